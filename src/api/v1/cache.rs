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

    /// The memory held and the bound, in bytes (for `/metrics`).
    #[must_use]
    pub fn usage(&self) -> (u64, u64) {
        self.inner.run_pending_tasks();
        (
            self.inner.weighted_size(),
            self.inner.policy().max_capacity().unwrap_or(0),
        )
    }

    /// The key of a request: the endpoint, the parameters sorted by name, the data version.
    #[must_use]
    pub fn key(endpoint: &str, params: &QueryParams, version: u64) -> String {
        let mut pairs: Vec<(&str, &str)> = params.pairs().collect();
        pairs.sort_unstable();
        // The caller's scope is part of the question: one caller's answer never reaches
        // another who may see less.
        format!(
            "{endpoint}?{}#v{version}{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default(),
            params.scope().cache_tag()
        )
    }

    /// The cached body for `key`, if any (counted as a hit).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let hit = self.inner.get(key)?;
        metrics::counter!("gridwatch_answer_cache_requests_total", "result" => "hit").increment(1);
        Some(hit)
    }

    /// The cached body for `key` and `true`, or on a miss the body `compute` makes (now
    /// stored) and `false`.
    ///
    /// # Errors
    /// Whatever `compute` fails with (failures are not cached).
    pub fn get_or_try<E>(
        &self,
        key: String,
        compute: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<(Arc<Vec<u8>>, bool), E> {
        if let Some(hit) = self.inner.get(&key) {
            metrics::counter!("gridwatch_answer_cache_requests_total", "result" => "hit")
                .increment(1);
            return Ok((hit, true));
        }
        metrics::counter!("gridwatch_answer_cache_requests_total", "result" => "miss").increment(1);
        let body = Arc::new(compute()?);
        self.inner.insert(key, body.clone());
        Ok((body, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_reused_for_the_same_query_and_version_only() {
        let cache = AnswerCache::new(1 << 20);
        let params = QueryParams::parse(Some("res=9&kind=dispute")).unwrap();
        let same = QueryParams::parse(Some("kind=dispute&res=9")).unwrap();
        let mut computed = 0;
        let mut ask = |key: String| {
            cache
                .get_or_try(key, || {
                    computed += 1;
                    Ok::<_, ()>(vec![computed])
                })
                .unwrap()
        };
        assert_eq!(
            ask(AnswerCache::key("hexbins", &params, 1)),
            (Arc::new(vec![1]), false)
        );
        assert_eq!(
            ask(AnswerCache::key("hexbins", &same, 1)),
            (Arc::new(vec![1]), true)
        );
        assert_eq!(
            ask(AnswerCache::key("hexbins", &params, 2)),
            (Arc::new(vec![2]), false),
            "a new data version recomputes"
        );
        assert_eq!(
            ask(AnswerCache::key("hotspots", &params, 2)),
            (Arc::new(vec![3]), false)
        );
        let failing =
            cache.get_or_try::<&str>(AnswerCache::key("hotspots", &params, 3), || Err("bad"));
        assert_eq!(failing, Err("bad"));
        assert_eq!(
            ask(AnswerCache::key("hotspots", &params, 3)),
            (Arc::new(vec![4]), false),
            "failures are not cached"
        );
    }
}
