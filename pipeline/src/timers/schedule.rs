//! When a timer ticks: a cron expression or a fixed interval.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A parsed timer schedule.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// Standard 5-field cron (minute precision) or 6/7 fields with seconds, UTC.
    Cron(Box<cron::Schedule>),
    /// `every 5m`: ticks `period` apart, anchored at the timer's first tick.
    Every(Duration),
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Some(period) = text.strip_prefix("every ") {
            let period = humantime::parse_duration(period.trim())
                .map_err(|e| format!("schedule {text:?}: {e}"))?;
            if period < Duration::from_secs(1) {
                return Err(format!(
                    "schedule {text:?}: the interval must be at least 1s"
                ));
            }
            return Ok(Self::Every(period));
        }
        // The cron crate wants a seconds field; accept the usual 5 fields too.
        let fields = text.split_whitespace().count();
        let expression = if fields == 5 {
            format!("0 {text}")
        } else {
            text.to_owned()
        };
        cron::Schedule::from_str(&expression)
            .map(|s| Self::Cron(Box::new(s)))
            .map_err(|e| {
                format!(
                    "schedule {text:?} is neither \"every <duration>\" nor a cron expression: {e}"
                )
            })
    }
}

impl Schedule {
    /// The first tick strictly after `after` (ms since the epoch), given a
    /// tick `anchor` the schedule is aligned to (intervals only).
    pub fn next_after(&self, after: i64, anchor: i64) -> Option<i64> {
        match self {
            Self::Every(period) => {
                let period = period.as_millis() as i64;
                let elapsed = (after - anchor).max(-period);
                Some(anchor + (elapsed.div_euclid(period) + 1) * period)
            }
            Self::Cron(schedule) => {
                let after = DateTime::<Utc>::from_timestamp_millis(after)?;
                schedule.after(&after).next().map(|t| t.timestamp_millis())
            }
        }
    }

    /// The last tick at or before `now`, starting from the due tick `due`.
    pub fn latest_due(&self, due: i64, now: i64) -> i64 {
        let mut latest = due;
        // Bounded: after a long outage a per-second cron has many missed
        // ticks, and only the latest one matters.
        for _ in 0..100_000 {
            match self.next_after(latest, due) {
                Some(next) if next <= now => latest = next,
                _ => break,
            }
        }
        latest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    #[test]
    fn intervals_tick_from_their_anchor() {
        let every: Schedule = "every 5m".parse().unwrap();
        assert_eq!(every.next_after(0, 0), Some(5 * MINUTE));
        assert_eq!(every.next_after(7 * MINUTE, 0), Some(10 * MINUTE));
        assert_eq!(every.next_after(10 * MINUTE, 0), Some(15 * MINUTE));
        assert_eq!(every.latest_due(0, 23 * MINUTE), 20 * MINUTE);
    }

    #[test]
    fn five_field_cron_is_accepted() {
        let hourly: Schedule = "30 * * * *".parse().unwrap();
        // 1970-01-01 00:00 → next at 00:30, then 01:30.
        assert_eq!(hourly.next_after(0, 0), Some(30 * MINUTE));
        assert_eq!(hourly.next_after(30 * MINUTE, 0), Some(90 * MINUTE));
        assert_eq!(hourly.latest_due(30 * MINUTE, 200 * MINUTE), 150 * MINUTE);
    }

    #[test]
    fn bad_schedules_are_named() {
        let error = "every soon".parse::<Schedule>().unwrap_err();
        assert!(error.contains("every soon"), "{error}");
        let error = "61 * * * *".parse::<Schedule>().unwrap_err();
        assert!(error.contains("neither"), "{error}");
        assert!(
            "every 10ms"
                .parse::<Schedule>()
                .unwrap_err()
                .contains("at least 1s")
        );
    }
}
