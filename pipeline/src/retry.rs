//! Retrying store writes through short outages.

use std::future::Future;
use std::time::{Duration, Instant};

/// Retries `attempt` with exponential backoff (50 ms doubling to 2 s) until
/// it succeeds or `budget` is spent; `None` when it never succeeded.
pub async fn with_backoff<T, E, F, Fut>(what: &str, budget: Duration, mut attempt: F) -> Option<T>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let deadline = Instant::now() + budget;
    let mut delay = Duration::from_millis(50);
    loop {
        match attempt().await {
            Ok(value) => return Some(value),
            Err(error) if Instant::now() + delay < deadline => {
                tracing::warn!("{what} failed, retrying in {delay:?}: {error}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
            Err(error) => {
                tracing::error!("{what} failed, giving up: {error}");
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retries_until_success() {
        let calls = AtomicU32::new(0);
        let result = with_backoff("op", Duration::from_secs(5), || {
            let n = calls.fetch_add(1, Ordering::Relaxed);
            async move { if n < 2 { Err("down") } else { Ok(n) } }
        })
        .await;
        assert_eq!(result, Some(2));
    }

    #[tokio::test]
    async fn gives_up_when_the_budget_is_spent() {
        let result: Option<()> =
            with_backoff("op", Duration::from_millis(120), || async { Err("down") }).await;
        assert_eq!(result, None);
    }
}
