from __future__ import annotations

from datetime import datetime, timezone


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp into a timezone-aware datetime.

    Fractional seconds beyond microseconds are truncated (the host may send
    nanoseconds).
    """
    # RFC 3339 allows lower-case "t" and "z"; fromisoformat does not.
    parsed = datetime.fromisoformat(text.upper())
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no UTC offset")
    return parsed


def format_rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime {moment!r} must be timezone-aware")
    text = moment.isoformat()
    return text[: -len("+00:00")] + "Z" if text.endswith("+00:00") else text


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
