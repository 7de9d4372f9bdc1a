//! Query-string parsing shared by every handler: raw `key=value` pairs, with unknown and
//! repeated keys refused so that a typo never silently widens a query.

use super::{ApiError, Scope};

/// The decoded query parameters of one request, with the scope of the caller who sent them
/// (set by the handler from the caller, never from the query string), so that every filter
/// parsed from them narrows to what the caller may see.
#[derive(Debug, Default)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
    scope: Scope,
}

impl QueryParams {
    /// Decodes `raw` (without the `?`).
    ///
    /// # Errors
    /// Undecodable strings, or a key given twice.
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::BadRequest(format!("query string is not valid: {e}")))?;
        for (i, (key, _)) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|(k, _)| k == key) {
                return Err(ApiError::BadRequest(format!(
                    "query parameter `{key}` is given more than once"
                )));
            }
        }
        Ok(Self {
            pairs,
            scope: Scope::ALL,
        })
    }

    /// These parameters as asked by a caller who may see `scope`.
    #[must_use]
    pub fn within(self, scope: Scope) -> Self {
        Self { scope, ..self }
    }

    /// What the caller who asked may see.
    #[must_use]
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Refuses any key not in `allowed`.
    ///
    /// # Errors
    /// The first unknown key, with the list of known ones.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self
            .pairs
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            Some((k, _)) => Err(ApiError::BadRequest(format!(
                "unknown query parameter `{}`; this endpoint takes: {}",
                k.chars().take(64).collect::<String>(),
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// The value of `key`, if given.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// All pairs, in request order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Parses `key` as an integer in `range`, or `default` when absent.
    ///
    /// # Errors
    /// A value that is not an integer in range.
    pub fn integer(
        &self,
        key: &str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64, ApiError> {
        let Some(raw) = self.get(key) else {
            return Ok(default);
        };
        raw.trim()
            .parse::<u64>()
            .ok()
            .filter(|v| range.contains(v))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "`{key}` must be an integer from {} to {}",
                    range.start(),
                    range.end()
                ))
            })
    }
}
