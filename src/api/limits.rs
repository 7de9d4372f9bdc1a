//! Load shedding for the analytics and for drawing tiles that count incidents: a bounded number
//! of computations at once, each with a time limit, so one heavy query (or a burst of them)
//! cannot starve the rest, and the memory in flight (each computation holds the snapshot it
//! started on) stays bounded. A request waits at most [`QUEUE_WAIT`] for a slot (a page asks
//! for a few analyses, and a map for dozens of tiles, at once); one that finds none by then, or
//! whose computation runs past the limit, gets a 503 with `Retry-After` rather than joining an
//! ever longer queue. Cached answers and tiles never need a slot. Analytics and tiles have
//! separate slots, so a flood of one never sheds the other.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ApiError;

/// The default time limit of one computation.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a request may wait for a free slot before it is shed.
pub const QUEUE_WAIT: Duration = Duration::from_secs(1);

/// Slots for computations and their time limit.
#[derive(Clone, Debug)]
pub struct Limits {
    slots: Arc<Semaphore>,
    /// Requests waiting for a slot now.
    waiting: Arc<std::sync::atomic::AtomicUsize>,
    pub timeout: Duration,
    /// What the slots are for (`analytics`, `tiles`): the `work` label of the shed counter.
    work: &'static str,
}

impl Default for Limits {
    /// Two computations per core (they run on blocking threads; the HTTP workers stay free),
    /// 30 s each.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Self::new(2 * cores, DEFAULT_TIMEOUT)
    }
}

impl Limits {
    #[must_use]
    pub fn new(slots: usize, timeout: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            waiting: Arc::default(),
            timeout,
            work: "analytics",
        }
    }

    /// Slots for drawing tiles that count incidents or compute Gi*: four per core (most such
    /// tiles take milliseconds; a city-wide Gi* at res 11 after a write takes longer), 30 s.
    #[must_use]
    pub fn tiles() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Self::new(4 * cores, DEFAULT_TIMEOUT).for_tiles()
    }

    /// The same limits for tile drawing.
    #[must_use]
    pub fn for_tiles(self) -> Self {
        Self {
            work: "tiles",
            ..self
        }
    }

    /// A slot, waiting up to [`QUEUE_WAIT`] for one, or a 503 to retry shortly.
    ///
    /// # Errors
    /// [`ApiError::Overloaded`] when no slot frees in time.
    pub async fn slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        use std::sync::atomic::Ordering;
        self.waiting.fetch_add(1, Ordering::AcqRel);
        let acquired = tokio::time::timeout(QUEUE_WAIT, self.slots.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        if let Ok(Ok(slot)) = acquired {
            return Ok(slot);
        }
        metrics::counter!("gridwatch_shed_requests_total", "reason" => "busy", "work" => self.work)
            .increment(1);
        Err(ApiError::Overloaded(format!(
            "every {} slot stayed busy; retry in a moment",
            self.work
        )))
    }

    /// Runs `work` on a blocking thread holding `slot`, within the time limit. Past the limit
    /// the client gets a 503 and the work finishes in the background, still holding its slot
    /// (so a flood of slow queries sheds instead of piling up).
    ///
    /// # Errors
    /// [`ApiError::Overloaded`] past the time limit; what `work` fails with.
    pub async fn run<T: Send + 'static>(
        &self,
        slot: OwnedSemaphorePermit,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let task = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        });
        match tokio::time::timeout(self.timeout, task).await {
            Err(_) => {
                metrics::counter!(
                    "gridwatch_shed_requests_total",
                    "reason" => "timeout",
                    "work" => self.work
                )
                .increment(1);
                Err(ApiError::Overloaded(format!(
                    "the {} computation took longer than the limit of {:.1} s",
                    self.work,
                    self.timeout.as_secs_f64()
                )))
            }
            Ok(joined) => {
                joined.map_err(|e| ApiError::Internal(format!("{} task failed: {e}", self.work)))?
            }
        }
    }

    /// Requests waiting for a slot now (for tests and metrics).
    #[must_use]
    pub fn waiting(&self) -> usize {
        self.waiting.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Slots free now (for tests and metrics).
    #[must_use]
    pub fn free(&self) -> usize {
        self.slots.available_permits()
    }
}
