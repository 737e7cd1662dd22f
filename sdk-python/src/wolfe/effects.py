"""Idempotency keys: a side effect done at most once per key across every
execution of the runbook in its environment ("page once per incident").

    from datetime import timedelta
    from wolfe import effects, notify

    with effects.idempotency_key(f"incident-{incident}", ttl=timedelta(hours=1)):
        paged = notify.page("streaming-oncall", "broker 3 offline", source="kafka-events-3")

Without a key, a side-effecting call is done once per execution (a retried
attempt gets the recorded result). With one, the first call of any execution
acts; later calls with the key, in this execution or another, get that
call's recorded result (secret values redacted) until the key expires: `ttl`
(seconds or a timedelta) after the call succeeded, never without one. A call
that fails frees the key for a later try. Executions racing for one key wait
a few seconds for the one that got it; past that the call raises
`wolfe.Unavailable`. In dry-run mode the call is simulated and no key is
taken.

A key covers exactly one call: the first side-effecting call after it is set
(http other than GET/HEAD, kv writes, instance reboot/terminate, discovery
status, notify, events), whatever becomes of that call; reads neither use
nor clear it. Inside an `idempotency_key` block that is the block's first
side-effecting call; later ones run without a key, and the key is cleared
when the block ends, used or not. A key is 1 to 256 bytes of UTF-8.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from wolfe import _args, _host

__all__ = ["MAX_KEY_BYTES", "Ttl", "clear_idempotency_key", "idempotency_key", "set_idempotency_key"]

#: The longest key the host accepts, in UTF-8 bytes.
MAX_KEY_BYTES = 256
Ttl = int | float | timedelta | None


def set_idempotency_key(key: str, *, ttl: Ttl = None) -> None:
    """Set the key of the next side-effecting call, replacing one set before
    and not used yet. Prefer the `idempotency_key` block, which also clears a
    key that no call used."""
    call = "effects.set_idempotency_key"
    key = _args.text(call, "key", key)
    ttl_seconds = _args.seconds(call, "ttl", ttl)
    _host.invoke(call, lambda host: host.effects_set_idempotency_key(key, ttl_seconds))


def clear_idempotency_key() -> None:
    """Forget a key set and not used yet."""
    _host.invoke("effects.clear_idempotency_key", lambda host: host.effects_clear_idempotency_key())


@contextmanager
def idempotency_key(key: str, *, ttl: Ttl = None) -> Iterator[None]:
    """Run the block's first side-effecting call under `key`; the key is
    cleared when the block ends (also when it raises)."""
    set_idempotency_key(key, ttl=ttl)
    try:
        yield
    finally:
        clear_idempotency_key()
