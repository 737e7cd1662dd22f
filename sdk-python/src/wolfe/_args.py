"""Checks and conversions of arguments before they reach the host, so a
mistake fails with a message naming it rather than deep in the bindings."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from wolfe._errors import InvalidArgument

U32_MAX = 2**32 - 1
S64_MAX = 2**63 - 1
S = TypeVar("S", bound=str)


def choice(call: str, what: str, value: object, allowed: tuple[S, ...]) -> S:
    for option in allowed:
        if value == option:
            return option
    options = ", ".join(repr(option) for option in allowed)
    raise InvalidArgument(f"{what} must be one of {options}, got {value!r}", call=call)


def text(call: str, what: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a str, got {type(value).__name__}", call=call)
    return value


def u32(call: str, what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U32_MAX:
        raise InvalidArgument(f"{what} must be an int from 0 to {U32_MAX}, got {value!r}", call=call)
    return value


def seconds(call: str, what: str, value: int | float | timedelta | None) -> int | None:
    """Whole seconds from a number of seconds or a timedelta, rounded up so
    that nothing expires earlier than asked."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, float) and math.isfinite(value):
        value = math.ceil(value)
    return u32(call, what, value)


def milliseconds(call: str, what: str, value: int | float | timedelta | None) -> int | None:
    """Whole milliseconds from seconds (int/float) or a timedelta, rounded up."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return u32(call, what, -(-value // timedelta(milliseconds=1)))  # exact ceiling
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InvalidArgument(f"{what} must be a non-negative number of seconds or a timedelta, got {value!r}", call=call)
    # round() first: 1.234 * 1000 is 1234.0000000000002 in binary floating point.
    return u32(call, what, math.ceil(round(value * 1000, 6)))


def epoch_ms(call: str, what: str, value: datetime | int) -> int:
    """Epoch milliseconds from an aware datetime or an int (already ms)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidArgument(f"{what} must be a timezone-aware datetime, got {value!r}", call=call)
        delta = value - datetime(1970, 1, 1, tzinfo=timezone.utc)
        return delta // timedelta(milliseconds=1)
    if isinstance(value, bool) or not isinstance(value, int) or not -S64_MAX - 1 <= value <= S64_MAX:
        raise InvalidArgument(f"{what} must be a datetime or epoch milliseconds (int), got {value!r}", call=call)
    return value


def string_pairs(call: str, what: str, pairs: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> list[tuple[str, str]]:
    items = pairs.items() if isinstance(pairs, Mapping) else (pairs or [])
    result: list[tuple[str, str]] = []
    for item in items:
        try:
            name, value = item
        except (TypeError, ValueError):
            raise InvalidArgument(f"{what} must be (name, value) pairs, got {item!r}", call=call) from None
        result.append((text(call, f"{what} name", name), text(call, f"{what} {name!r}", value)))
    return result


def to_json(call: str, what: str, value: Any) -> str:
    """Compact UTF-8 JSON, as the Rust SDK (serde_json) writes it."""
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidArgument(f"{what} is not JSON-serialisable: {exc}", call=call) from None
