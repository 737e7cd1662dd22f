"""Durable key-value data, shared by all of Wolfe's engine instances.

    from wolfe import kv
    from datetime import timedelta

    kv.set("last-restart", "2024-05-01T12:00:00Z", ttl=timedelta(hours=6))
    if kv.get("last-restart") is not None:
        ...
    kv.set_json("state", {"restarts": 2})
    if kv.compare_and_set("lock", None, ctx.execution_id, ttl=300):
        ...  # we hold the lock

Values are text; `get_json`/`set_json` store JSON. `scope="runbook"` (the
default) is the runbook's own data in this environment; `scope="team"` is
shared by the team's runbooks and needs a grant. `ttl` is seconds or a
`timedelta`; without it a value stays until deleted. In dry-run mode writes
are recorded, not performed: their receipt says `simulated=True`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from wolfe import _args, _host
from wolfe._effect import Effect
from wolfe._errors import InvalidArgument
from wolfe._host import Scope

__all__ = ["Effect", "Entry", "Scope", "Swap", "compare_and_set", "delete", "get", "get_json", "scan", "set", "set_json"]

SCOPES: tuple[Scope, ...] = ("runbook", "team")
Ttl = int | float | timedelta | None


@dataclass(frozen=True)
class Entry:
    key: str
    value: str


@dataclass(frozen=True)
class Swap:
    """The outcome of `compare_and_set`; true when the value was swapped."""

    #: False when the current value was not the expected one.
    swapped: bool
    simulated: bool = False

    def __bool__(self) -> bool:
        return self.swapped


def get(key: str, *, scope: Scope = "runbook") -> str | None:
    """The value of `key`, or None when it is absent (or expired)."""
    call = "kv.get"
    scope, key = _scope(call, scope), _args.text(call, "key", key)
    return _host.invoke(call, lambda host: host.kv_get(scope, key))


def set(key: str, value: str, *, scope: Scope = "runbook", ttl: Ttl = None) -> Effect:
    """Store `value` (a str; see `set_json`) under `key`."""
    call = "kv.set"
    scope, key = _scope(call, scope), _args.text(call, "key", key)
    value = _value(call, value)
    ttl_seconds = _args.seconds(call, "ttl", ttl)
    return _host.invoke(call, lambda host: host.kv_set(scope, key, value, ttl_seconds))


def delete(key: str, *, scope: Scope = "runbook") -> Effect:
    """Remove `key`; removing an absent key is not an error."""
    call = "kv.delete"
    scope, key = _scope(call, scope), _args.text(call, "key", key)
    return _host.invoke(call, lambda host: host.kv_delete(scope, key))


def scan(prefix: str = "", *, scope: Scope = "runbook", limit: int = 100) -> list[Entry]:
    """Entries whose key starts with `prefix`, in key order, at most `limit`."""
    call = "kv.scan"
    scope, prefix = _scope(call, scope), _args.text(call, "prefix", prefix)
    limit = _args.u32(call, "limit", limit)
    return _host.invoke(call, lambda host: host.kv_scan(scope, prefix, limit))


def compare_and_set(
    key: str, expected: str | None, value: str, *, scope: Scope = "runbook", ttl: Ttl = None
) -> Swap:
    """Set `key` to `value` only if its current value is `expected` (None:
    only if the key is absent). The result is truthy when it was swapped."""
    call = "kv.compare_and_set"
    scope, key = _scope(call, scope), _args.text(call, "key", key)
    if expected is not None:
        expected = _args.text(call, "expected", expected)
    value = _value(call, value)
    ttl_seconds = _args.seconds(call, "ttl", ttl)
    return _host.invoke(
        call, lambda host: host.kv_compare_and_set(scope, key, expected, value, ttl_seconds)
    )


def get_json(key: str, default: Any = None, *, scope: Scope = "runbook") -> Any:
    """The value of `key` decoded from JSON, or `default` when absent."""
    raw = get(key, scope=scope)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"kv key {key!r} does not hold JSON: {exc}") from None


def set_json(key: str, value: Any, *, scope: Scope = "runbook", ttl: Ttl = None) -> Effect:
    """Store `value` as JSON under `key`."""
    return set(key, _args.to_json("kv.set", "value", value), scope=scope, ttl=ttl)


def _scope(call: str, scope: object) -> Scope:
    return _args.choice(call, "scope", scope, SCOPES)


def _value(call: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(
            f"value must be a str, got {type(value).__name__} (use kv.set_json for other values)",
            call=call,
        )
    return value
