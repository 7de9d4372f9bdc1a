//! A bounded cache of analytics answers, keyed by endpoint, canonical query and data version.

use std::sync::Arc;

use moka::sync::Cache;

use crate::api::QueryParams;

/// Cached response bodies, bounded by their total size.
#[derive(Clone)]
pub struct AnswerCache {
    inner: Cache<String, Arc<Vec<u8>>>,
}

impl AnswerCache {
    /// A cache holding at most `max_bytes` of bodies.
    #[must_use]
    pub fn new(max_bytes: u64) -> Self {
        let inner = Cache::builder()
            .weigher(|key: &String, body: &Arc<Vec<u8>>| {
                u32::try_from(key.len() + body.len()).unwrap_or(u32::MAX)
            })
            .max_capacity(max_bytes)
            .build();
        Self { inner }
    }

    /// The key of a request: the endpoint, the parameters sorted by name, the data version.
    #[must_use]
    pub fn key(endpoint: &str, params: &QueryParams, version: u64) -> String {
        let mut pairs: Vec<(&str, &str)> = params.pairs().collect();
        pairs.sort_unstable();
        format!(
            "{endpoint}?{}#v{version}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The cached body for `key`, computing and storing it on a miss.
    ///
    /// # Errors
    /// Whatever `compute` fails with (failures are not cached).
    pub fn get_or_try<E>(
        &self,
        key: String,
        compute: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Arc<Vec<u8>>, E> {
        if let Some(hit) = self.inner.get(&key) {
            return Ok(hit);
        }
        let body = Arc::new(compute()?);
        self.inner.insert(key, body.clone());
        Ok(body)
    }
}
