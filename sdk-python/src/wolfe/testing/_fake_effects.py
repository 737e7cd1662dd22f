from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from wolfe._errors import InvalidArgument
from wolfe.effects import MAX_KEY_BYTES


@dataclass(frozen=True)
class KeySet:
    """A key the runbook set for its next side-effecting call."""

    key: str
    ttl_seconds: int | None


@dataclass(frozen=True)
class KeyDone:
    """A side effect done under a key: later calls with the key get `result`."""

    #: The call that did it, e.g. "notify.page_trigger".
    call: str
    result: Any
    #: On the fake's clock (`FakeEffects.now`); None: holds forever.
    expires_at: float | None


class FakeEffects:
    """Idempotency keys as the host keeps them, in memory.

    Keys live as long as the FakeHost, across `run`s, so running a runbook
    twice on one host is two executions: the second gets the first one's
    result for a key. They are scoped, like the host's, by the team, runbook
    and environment `run` was given.

        run(handle, [incident_event], host=host)
        run(handle, [incident_event], host=host)
        assert len(host.notify.pages) == 1
        host.effects.advance(3600)  # past the key's ttl
        run(handle, [incident_event], host=host)
        assert len(host.notify.pages) == 2

    One process runs one call at a time, so no call ever finds a key pending
    (the host's waiting and `Unavailable` have no counterpart here); secret
    values in replayed results are not redacted.
    """

    def __init__(self) -> None:
        #: The key set for the next side-effecting call, if any.
        self.pending: KeySet | None = None
        #: Keys done, by (team, runbook, environment, key).
        self.done: dict[tuple[str, str, str, str], KeyDone] = {}
        #: (team, runbook, environment) of the current run; set by `run`.
        self.scope: tuple[str, str, str] = ("test", "test", "dev")
        self._offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward, expiring keys whose ttl passed."""
        self._offset += seconds

    def set(self, key: str, ttl_seconds: int | None) -> None:
        # The host's checks and messages.
        if not key:
            raise InvalidArgument("idempotency key must not be empty")
        size = len(key.encode("utf-8"))
        if size > MAX_KEY_BYTES:
            raise InvalidArgument(f"idempotency key of {size} bytes exceeds the limit of {MAX_KEY_BYTES}")
        if ttl_seconds == 0:
            raise InvalidArgument("ttl-seconds must be at least 1 (none: the key holds forever)")
        self.pending = KeySet(key, ttl_seconds)

    def clear(self) -> None:
        self.pending = None

    def take(self) -> KeySet | None:
        """The pending key, now used by a side-effecting call."""
        key, self.pending = self.pending, None
        return key

    def lookup(self, key: str) -> KeyDone | None:
        """What a call with `key` did before, unless the key expired."""
        done = self.done.get((*self.scope, key))
        if done is None or (done.expires_at is not None and done.expires_at <= self.now()):
            return None
        return done

    def finish(self, key: KeySet, call: str, result: Any) -> None:
        expires_at = None if key.ttl_seconds is None else self.now() + key.ttl_seconds
        self.done[(*self.scope, key.key)] = KeyDone(call, result, expires_at)
