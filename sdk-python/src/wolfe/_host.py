"""The seam between the SDK and whatever hosts the runbook.

Inside a component the backend forwards to the WIT imports (see
`_component.py`); under `wolfe.testing` it is a recording fake. Each host
interface Wolfe adds (kv, http, secrets, metrics, ...) becomes one more method
on `Backend`, so this file stays the single place to look.
"""

from __future__ import annotations

import sys
from typing import Literal, Protocol

LogLevel = Literal["trace", "debug", "info", "warn", "error"]
LOG_LEVELS: tuple[LogLevel, ...] = ("trace", "debug", "info", "warn", "error")


class Backend(Protocol):
    def log_write(self, level: LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        """Write one log record; each field is (key, JSON-encoded value)."""
        ...


class StderrBackend:
    """Used until a real backend is installed, so calling a runbook function
    from a REPL or script prints its logs instead of crashing."""

    def log_write(self, level: LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        rendered = " ".join(f"{key}={value}" for key, value in fields)
        print(f"[{level}] {message} {rendered}".rstrip(), file=sys.stderr)


_current: Backend = StderrBackend()


def current() -> Backend:
    return _current


def install(backend: Backend) -> Backend:
    """Make `backend` the current one and return the previous one, so callers
    that install temporarily (tests) can put it back."""
    global _current
    previous, _current = _current, backend
    return previous
