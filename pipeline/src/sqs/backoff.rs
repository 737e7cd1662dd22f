//! Exponential backoff with jitter while something the consumer needs (the
//! queue, the store) is down.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(super) struct Backoff {
    initial: Duration,
    cap: Duration,
    failures: u32,
    /// When the current run of failures began.
    since: Option<Instant>,
}

impl Backoff {
    pub(super) fn new(initial: Duration, cap: Duration) -> Self {
        Self {
            initial,
            cap,
            failures: 0,
            since: None,
        }
    }

    /// Records a failure and returns how long to wait before trying again:
    /// the initial delay doubled per consecutive failure, capped, then
    /// between half and all of that, so many consumers that lost the same
    /// queue at once do not come back in lockstep.
    pub(super) fn failed(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        self.since.get_or_insert_with(Instant::now);
        let doublings = (self.failures - 1).min(20);
        let ceiling = self.initial.saturating_mul(1 << doublings).min(self.cap);
        let half = ceiling / 2;
        half + half.mul_f64(random_fraction())
    }

    /// Consecutive failures so far.
    pub(super) fn failures(&self) -> u32 {
        self.failures
    }

    /// Back to normal after a success; returns how long the failures
    /// lasted, if there were any.
    pub(super) fn succeeded(&mut self) -> Option<Duration> {
        self.failures = 0;
        self.since.take().map(|since| since.elapsed())
    }
}

/// A number in [0, 1): every `RandomState` is seeded differently, which is
/// all the randomness jitter needs.
fn random_fraction() -> f64 {
    (RandomState::new().hash_one(0u8) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_with_jitter() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        let ceilings = [100, 200, 400, 800, 1000, 1000];
        for ceiling in ceilings.map(Duration::from_millis) {
            let delay = backoff.failed();
            assert!(delay >= ceiling / 2 && delay <= ceiling, "{delay:?}");
        }
        assert_eq!(backoff.failures(), 6);
        assert!(backoff.succeeded().is_some());
        assert_eq!(backoff.succeeded(), None);
        assert!(backoff.failed() <= Duration::from_millis(100));
    }

    #[test]
    fn jitter_spreads_the_delays() {
        let delays: std::collections::HashSet<_> = (0..20)
            .map(|_| Backoff::new(Duration::from_secs(1), Duration::from_secs(1)).failed())
            .collect();
        assert!(delays.len() > 1);
    }
}
