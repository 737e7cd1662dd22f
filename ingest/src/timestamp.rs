//! RFC 3339 timestamps, normalized to UTC.
//!
//! Senders format the same instant differently (Go writes the server's
//! local offset, Alertmanager replicas may differ), so payloads and dedupe
//! keys carry one canonical form: UTC, `Z`, and only as many fractional
//! digits as needed (0, 3, 6 or 9).

use chrono::{DateTime, SecondsFormat, Utc};

/// Parses an RFC 3339 timestamp into its canonical UTC form.
pub(crate) fn parse_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Milliseconds since the Unix epoch, Atlas's native time unit.
pub(crate) fn from_epoch_millis(millis: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(millis)
}

pub(crate) fn format(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Go's zero `time.Time`, which Alertmanager sends as `endsAt` when an
/// alert has no known end.
pub(crate) fn is_go_zero(time: DateTime<Utc>) -> bool {
    time == DateTime::<Utc>::from_naive_utc_and_offset(
        chrono::NaiveDate::from_ymd_opt(1, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("0001-01-01T00:00:00 is a valid date"),
        Utc,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_precision_normalize_to_one_form() {
        let cases = [
            ("2024-05-01T13:40:00+02:00", "2024-05-01T11:40:00Z"),
            ("2024-05-01T11:40:00.000Z", "2024-05-01T11:40:00Z"),
            ("2024-05-01T11:40:00.5Z", "2024-05-01T11:40:00.500Z"),
            (
                "2018-08-03T09:52:26.739266876+02:00",
                "2018-08-03T07:52:26.739266876Z",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(format(parse_rfc3339(input).unwrap()), expected, "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_rfc3339() {
        for bad in [
            "",
            "2024-05-01",
            "2024-05-01T11:40:00",
            "yesterday",
            "1714563600",
        ] {
            assert!(parse_rfc3339(bad).is_none(), "{bad:?} accepted");
        }
    }

    #[test]
    fn go_zero_time_is_recognized_in_any_spelling() {
        assert!(is_go_zero(parse_rfc3339("0001-01-01T00:00:00Z").unwrap()));
        assert!(is_go_zero(
            parse_rfc3339("0001-01-01T00:00:00.000Z").unwrap()
        ));
        assert!(!is_go_zero(parse_rfc3339("1970-01-01T00:00:00Z").unwrap()));
    }
}
