"""Structured logging into the execution's record.

    from wolfe import log
    log.info("broker offline", cluster="events", broker_id=3)

Field values may be any JSON-serialisable value; anything else is logged as
its `str()` rather than failing, because a log call must never be what breaks
a runbook.
"""

from __future__ import annotations

import json
from typing import Any

from wolfe import _host

__all__ = ["trace", "debug", "info", "warn", "error"]


def trace(message: str, **fields: Any) -> None:
    _write("trace", message, fields)


def debug(message: str, **fields: Any) -> None:
    _write("debug", message, fields)


def info(message: str, **fields: Any) -> None:
    _write("info", message, fields)


def warn(message: str, **fields: Any) -> None:
    _write("warn", message, fields)


def error(message: str, **fields: Any) -> None:
    _write("error", message, fields)


def encode_field(value: Any) -> str:
    """JSON-encode one field value, falling back to its string form."""
    try:
        # default=str rescues nested values (datetimes inside a dict, ...);
        # allow_nan=False because NaN/Infinity are not valid JSON.
        return json.dumps(value, default=str, allow_nan=False)
    except Exception:  # including a __str__ that raises inside default=str
        return json.dumps(_safe_str(value))


def _safe_str(value: Any) -> str:
    try:
        return str(value)
    except Exception:
        return object.__repr__(value)


def _write(level: _host.LogLevel, message: str, fields: dict[str, Any]) -> None:
    encoded = [(key, encode_field(value)) for key, value in fields.items()]
    _host.current().log_write(level, _safe_str(message), encoded)
