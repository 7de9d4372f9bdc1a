//! Per-token rate limits: a generic cell rate (GCRA, the `governor` crate) per bearer token,
//! so one runaway client cannot take the server from the others. Anonymous readers are bound
//! by the analytics slots and load shedding instead.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sha2::{Digest, Sha256};

use crate::api::ApiError;

/// Forget tokens idle long enough to be full again once this many are tracked (JWTs are many).
const RETAIN_ABOVE: usize = 10_000;

/// Requests per second per token, with bursts of twice that.
#[derive(Clone)]
pub struct RateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<[u8; 32]>>,
    per_second: NonZeroU32,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RateLimit({}/s per token)", self.per_second)
    }
}

impl RateLimit {
    /// `per_second` requests a second per token, bursts of twice that.
    #[must_use]
    pub fn per_second(per_second: NonZeroU32) -> Self {
        let burst = per_second.saturating_mul(NonZeroU32::MIN.saturating_add(1));
        Self {
            limiter: Arc::new(DefaultKeyedRateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(burst),
            )),
            per_second,
        }
    }

    /// Counts one request of `token`.
    ///
    /// # Errors
    /// 429 with the seconds to wait when the token is over its rate.
    pub fn check(&self, token: &str) -> Result<(), ApiError> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if self.limiter.len() > RETAIN_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key).map_err(|not_until| {
            metrics::counter!("gridwatch_rate_limited_total").increment(1);
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited(
                format!(
                    "this token is over its limit of {} requests a second",
                    self.per_second
                ),
                wait.as_secs() + 1,
            )
        })
    }
}
