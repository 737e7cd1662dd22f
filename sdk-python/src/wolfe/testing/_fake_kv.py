from __future__ import annotations

from dataclasses import dataclass

from wolfe._effect import Effect
from wolfe._host import Scope
from wolfe.kv import Entry, Swap


@dataclass
class _Stored:
    value: str
    #: On the fake clock (`FakeKv.now`); None: never.
    expires_at: float | None


class FakeKv:
    """In-memory kv store with a manual clock: TTLs are honoured once the
    test moves time on with `advance(seconds)`.

        host.kv.put("owner", "alice", scope="team")   # seed, not recorded
        ...
        assert host.kv.value("last-restart") == "..."
        assert host.kv.ttl("last-restart") == 21600
    """

    def __init__(self) -> None:
        self.now: float = 0.0
        self._data: dict[tuple[Scope, str], _Stored] = {}
        self._ttls: dict[tuple[Scope, str], int | None] = {}

    # Seeding and inspection by tests.

    def put(self, key: str, value: str, *, scope: Scope = "runbook", ttl_seconds: int | None = None) -> None:
        self._store(scope, key, value, ttl_seconds)

    def value(self, key: str, *, scope: Scope = "runbook") -> str | None:
        return self.get(scope, key)

    def ttl(self, key: str, *, scope: Scope = "runbook") -> int | None:
        """The ttl (seconds) the key was last written with."""
        return self._ttls.get((scope, key))

    def data(self, scope: Scope = "runbook") -> dict[str, str]:
        """Every live entry of `scope`, in key order."""
        self._expire()
        return {key: stored.value for (s, key), stored in sorted(self._data.items()) if s == scope}

    def advance(self, seconds: float) -> None:
        """Move the fake clock on; entries whose TTL elapsed disappear."""
        self.now += seconds

    # The host calls.

    def get(self, scope: Scope, key: str) -> str | None:
        self._expire()
        stored = self._data.get((scope, key))
        return None if stored is None else stored.value

    def set(self, scope: Scope, key: str, value: str, ttl_seconds: int | None, simulated: bool) -> Effect:
        if not simulated:
            self._store(scope, key, value, ttl_seconds)
        return Effect(simulated=simulated)

    def delete(self, scope: Scope, key: str, simulated: bool) -> Effect:
        if not simulated:
            self._data.pop((scope, key), None)
        return Effect(simulated=simulated)

    def scan(self, scope: Scope, prefix: str, limit: int) -> list[Entry]:
        entries = [Entry(key, value) for key, value in self.data(scope).items() if key.startswith(prefix)]
        return entries[:limit]

    def compare_and_set(
        self,
        scope: Scope,
        key: str,
        expected: str | None,
        value: str,
        ttl_seconds: int | None,
        simulated: bool,
    ) -> Swap:
        swapped = self.get(scope, key) == expected
        if swapped and not simulated:
            self._store(scope, key, value, ttl_seconds)
        return Swap(swapped=swapped, simulated=simulated)

    def _store(self, scope: Scope, key: str, value: str, ttl_seconds: int | None) -> None:
        expires_at = None if ttl_seconds is None else self.now + ttl_seconds
        self._data[(scope, key)] = _Stored(value, expires_at)
        self._ttls[(scope, key)] = ttl_seconds

    def _expire(self) -> None:
        for slot, stored in list(self._data.items()):
            if stored.expires_at is not None and stored.expires_at <= self.now:
                del self._data[slot]
