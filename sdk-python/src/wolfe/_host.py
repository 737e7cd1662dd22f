"""The seam between the SDK and whatever hosts the runbook.

Inside a component the backend forwards to the WIT imports (see
`_component.py`); under `wolfe.testing` it is a recording fake. Every host
call is one method on `Backend`, named `<interface>_<function>` after the WIT,
taking plain Python values and returning the SDK's public records, so this
file stays the single place to look.

Backends raise `wolfe.HostError` subclasses for the WIT `error` variant; the
public modules (`wolfe.kv`, ...) call them through `invoke`, which names the
call in the error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from wolfe._errors import HostError, Unavailable

if TYPE_CHECKING:
    from wolfe._effect import Effect
    from wolfe.discovery import DiscoveryInstance
    from wolfe.events import Emitted
    from wolfe.http import Response
    from wolfe.instances import Instance
    from wolfe.kv import Entry, Swap
    from wolfe.metrics import Series
    from wolfe.notify import Paged

LogLevel = Literal["trace", "debug", "info", "warn", "error"]
LOG_LEVELS: tuple[LogLevel, ...] = ("trace", "debug", "info", "warn", "error")
Scope = Literal["runbook", "team"]
Status = Literal["UP", "OUT_OF_SERVICE"]
Severity = Literal["critical", "error", "warning", "info"]
#: (start_ms, end_ms, step_ms)
Range = tuple[int, int, int]


class Backend(Protocol):
    def log_write(self, level: LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        """Write one log record; each field is (key, JSON-encoded value)."""
        ...

    def kv_get(self, scope: Scope, key: str) -> str | None: ...
    def kv_set(self, scope: Scope, key: str, value: str, ttl_seconds: int | None) -> Effect: ...
    def kv_delete(self, scope: Scope, key: str) -> Effect: ...
    def kv_scan(self, scope: Scope, prefix: str, limit: int) -> list[Entry]: ...
    def kv_compare_and_set(
        self, scope: Scope, key: str, expected: str | None, value: str, ttl_seconds: int | None
    ) -> Swap: ...

    def http_send(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        timeout_ms: int | None,
    ) -> Response: ...

    def secrets_get(self, name: str) -> str: ...

    def metrics_query(self, backend: str, query: str, range: Range | None) -> list[Series]: ...

    def instances_describe(self, ids: list[str]) -> list[Instance]: ...
    def instances_find(self, tags: list[tuple[str, str]]) -> list[Instance]: ...
    def instances_reboot(self, id: str) -> Effect: ...
    def instances_terminate(self, id: str) -> Effect: ...

    def discovery_instances(self, app: str) -> list[DiscoveryInstance]: ...
    def discovery_set_status(self, app: str, instance_id: str, status: Status) -> Effect: ...

    def notify_email(self, target: str, subject: str, body: str) -> Effect: ...
    def notify_chat(self, target: str, text: str) -> Effect: ...
    def notify_page_trigger(
        self,
        target: str,
        summary: str,
        severity: Severity,
        source: str,
        dedup_key: str | None,
        details_json: str | None,
    ) -> Paged: ...
    def notify_page_resolve(self, target: str, dedup_key: str) -> Effect: ...

    def events_emit(self, kind: str, payload_json: str) -> Emitted: ...

    def effects_set_idempotency_key(self, key: str, ttl_seconds: int | None) -> None: ...
    def effects_clear_idempotency_key(self) -> None: ...


class StderrBackend:
    """Used until a real backend is installed, so calling a runbook function
    from a REPL or script prints its logs instead of crashing. Every other
    host call raises `Unavailable`: there is no host to ask."""

    def log_write(self, level: LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        rendered = " ".join(f"{key}={value}" for key, value in fields)
        print(f"[{level}] {message} {rendered}".rstrip(), file=sys.stderr)

    def __getattr__(self, name: str) -> Callable[..., object]:
        # Only Backend's host calls; anything else is a genuine typo.
        if name.split("_", 1)[0] not in INTERFACES:
            raise AttributeError(name)

        def unavailable(*_args: object, **_kwargs: object) -> object:
            raise Unavailable(
                "not running inside Wolfe (install a wolfe.testing.FakeHost to test)"
            )

        return unavailable


#: The host interfaces besides `log`, as the WIT names them.
INTERFACES = ("kv", "http", "secrets", "metrics", "instances", "discovery", "notify", "events", "effects")

_current: Backend = StderrBackend()  # type: ignore[assignment]  # host calls via __getattr__

T = TypeVar("T")


def current() -> Backend:
    return _current


def install(backend: Backend) -> Backend:
    """Make `backend` the current one and return the previous one, so callers
    that install temporarily (tests) can put it back."""
    global _current
    previous, _current = _current, backend
    return previous


def invoke(call: str, host_call: Callable[[Backend], T]) -> T:
    """Run one host call on the current backend; a `HostError` it raises
    names `call` (e.g. "kv.set") when the backend did not."""
    try:
        return host_call(_current)
    except HostError as error:
        if error.call is None:
            error.call = call
        raise
