//! `Duration`s as the whole units WIT carries, rounded up so that nothing
//! happens earlier than asked.

use std::time::Duration;

use crate::HostError;

pub(crate) fn ceil_seconds(what: &str, duration: Duration) -> Result<u32, HostError> {
    let seconds = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    u32::try_from(seconds).map_err(|_| too_long(what, duration))
}

pub(crate) fn ceil_millis(what: &str, duration: Duration) -> Result<u32, HostError> {
    u32::try_from(duration.as_nanos().div_ceil(1_000_000)).map_err(|_| too_long(what, duration))
}

fn too_long(what: &str, duration: Duration) -> HostError {
    HostError::Invalid(format!(
        "{what} {duration:?} does not fit the host's 32-bit limit"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_up_and_rejects_overflow() {
        assert_eq!(ceil_seconds("ttl", Duration::from_millis(1200)), Ok(2));
        assert_eq!(ceil_seconds("ttl", Duration::from_secs(60)), Ok(60));
        assert_eq!(
            ceil_millis("timeout", Duration::from_micros(1_233_001)),
            Ok(1234)
        );
        assert!(matches!(
            ceil_seconds("ttl", Duration::from_secs(1 << 33)),
            Err(HostError::Invalid(m)) if m.starts_with("ttl ")
        ));
    }
}
