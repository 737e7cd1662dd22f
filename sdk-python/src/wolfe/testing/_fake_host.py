from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from wolfe._effect import Effect
from wolfe._errors import HostError, InvalidArgument, NotFound, with_call
from wolfe._host import INTERFACES, LogLevel, Range, Scope, Severity, Status
from wolfe.discovery import DiscoveryInstance
from wolfe.events import Emitted
from wolfe.http import Response
from wolfe.instances import Instance
from wolfe.kv import Entry, Swap
from wolfe.metrics import Series
from wolfe.notify import Paged
from wolfe.testing._fake_discovery import FakeDiscovery
from wolfe.testing._fake_effects import FakeEffects
from wolfe.testing._fake_events import FakeEvents
from wolfe.testing._fake_http import SAFE_METHODS, FakeHttp
from wolfe.testing._fake_instances import FakeInstances
from wolfe.testing._fake_kv import FakeKv
from wolfe.testing._fake_metrics import FakeMetrics
from wolfe.testing._fake_notify import FakeNotify

T = TypeVar("T")


@dataclass(frozen=True)
class LogRecord:
    level: LogLevel
    message: str
    #: Field values decoded back from JSON, i.e. what the host will store.
    fields: dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One host call as the runbook made it."""

    #: "<interface>.<function>" as in WIT with underscores, e.g. "kv.compare_and_set".
    name: str
    args: dict[str, Any]
    #: What the call returned (None when it raised).
    result: Any = None
    error: HostError | None = None
    #: The explicit idempotency key the call ran under (`wolfe.effects`).
    idempotency_key: str | None = None
    #: True when the key was done before: `result` is the recorded one and
    #: nothing was performed.
    replayed: bool = False


@dataclass
class _Failure:
    error: HostError
    times: int | None


@dataclass
class FakeHost:
    """A host backend that records every call, for assertions in tests.

    Each interface has an in-memory fake to configure and inspect: `kv`,
    `http`, `secrets` (a dict), `metrics`, `instances`, `discovery`,
    `notify`, `events` and `effects` (idempotency keys, kept across runs on
    one host). `calls` lists every host call but logs (which are in
    `logs`). With `dry_run` true (as `run(..., dry_run=True)` sets) side
    effects are recorded, not performed, and receipts say `simulated`.

        host = FakeHost(secrets={"token": "s3cr3t"})
        host.fail("kv.set", wolfe.Denied("team scope not granted"))
        result = run(main.handle, [...], host=host)
    """

    dry_run: bool = False
    secrets: dict[str, str] = field(default_factory=dict)
    logs: list[LogRecord] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    kv: FakeKv = field(default_factory=FakeKv)
    http: FakeHttp = field(default_factory=FakeHttp)
    metrics: FakeMetrics = field(default_factory=FakeMetrics)
    instances: FakeInstances = field(default_factory=FakeInstances)
    discovery: FakeDiscovery = field(default_factory=FakeDiscovery)
    notify: FakeNotify = field(default_factory=FakeNotify)
    events: FakeEvents = field(default_factory=FakeEvents)
    effects: FakeEffects = field(default_factory=FakeEffects)
    _failures: dict[str, _Failure] = field(default_factory=dict, repr=False)

    def fail(self, call: str, error: HostError | type[HostError] | None, *, times: int | None = None) -> None:
        """Make `call` ("kv.set") or a whole interface ("kv") raise `error`
        (an instance, or a class for a generic message) instead of running,
        `times` times or until `fail(call, None)`."""
        if call.split(".", 1)[0] not in INTERFACES:
            raise ValueError(f"{call!r} is not a host call or interface ({', '.join(INTERFACES)})")
        if error is None:
            self._failures.pop(call, None)
            return
        if isinstance(error, type):
            error = error(f"{call} failed (FakeHost.fail)")
        self._failures[call] = _Failure(error, times)

    def calls_to(self, name: str) -> list[Call]:
        """The calls to `name` ("kv.set") or to an interface ("kv")."""
        return [c for c in self.calls if c.name == name or c.name.split(".", 1)[0] == name]

    # Backend: logging.

    def log_write(self, level: LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        # json.loads doubles as a check that the SDK sent valid JSON.
        decoded = {key: json.loads(value_json) for key, value_json in fields}
        self.logs.append(LogRecord(level, message, decoded))

    # Backend: kv.

    def kv_get(self, scope: Scope, key: str) -> str | None:
        return self._call("kv.get", {"scope": scope, "key": key}, lambda: self.kv.get(scope, key))

    def kv_set(self, scope: Scope, key: str, value: str, ttl_seconds: int | None) -> Effect:
        args = {"scope": scope, "key": key, "value": value, "ttl_seconds": ttl_seconds}
        return self._effect("kv.set", args, lambda: self.kv.set(scope, key, value, ttl_seconds, self.dry_run))

    def kv_delete(self, scope: Scope, key: str) -> Effect:
        return self._effect("kv.delete", {"scope": scope, "key": key}, lambda: self.kv.delete(scope, key, self.dry_run))

    def kv_scan(self, scope: Scope, prefix: str, limit: int) -> list[Entry]:
        args = {"scope": scope, "prefix": prefix, "limit": limit}
        return self._call("kv.scan", args, lambda: self.kv.scan(scope, prefix, limit))

    def kv_compare_and_set(
        self, scope: Scope, key: str, expected: str | None, value: str, ttl_seconds: int | None
    ) -> Swap:
        args = {"scope": scope, "key": key, "expected": expected, "value": value, "ttl_seconds": ttl_seconds}
        return self._effect(
            "kv.compare_and_set",
            args,
            lambda: self.kv.compare_and_set(scope, key, expected, value, ttl_seconds, self.dry_run),
        )

    # Backend: http, secrets, metrics.

    def http_send(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        timeout_ms: int | None,
    ) -> Response:
        args = {"method": method, "url": url, "headers": headers, "body": body, "timeout_ms": timeout_ms}
        call = self._call if method in SAFE_METHODS else self._effect
        return call("http.send", args, lambda: self.http.send(method, url, headers, body, timeout_ms, self.dry_run))

    def secrets_get(self, name: str) -> str:
        def get() -> str:
            if name not in self.secrets:
                raise NotFound(f"no secret named {name!r}")
            return self.secrets[name]

        return self._call("secrets.get", {"name": name}, get)

    def metrics_query(self, backend: str, query: str, range: Range | None) -> list[Series]:
        args = {"backend": backend, "query": query, "range": range}
        return self._call("metrics.query", args, lambda: self.metrics.query(backend, query, range))

    # Backend: instances, discovery.

    def instances_describe(self, ids: list[str]) -> list[Instance]:
        return self._call("instances.describe", {"ids": ids}, lambda: self.instances.describe(ids))

    def instances_find(self, tags: list[tuple[str, str]]) -> list[Instance]:
        return self._call("instances.find", {"tags": tags}, lambda: self.instances.find(tags))

    def instances_reboot(self, id: str) -> Effect:
        return self._effect("instances.reboot", {"id": id}, lambda: self.instances.reboot(id, self.dry_run))

    def instances_terminate(self, id: str) -> Effect:
        return self._effect("instances.terminate", {"id": id}, lambda: self.instances.terminate(id, self.dry_run))

    def discovery_instances(self, app: str) -> list[DiscoveryInstance]:
        return self._call("discovery.instances", {"app": app}, lambda: self.discovery.instances(app))

    def discovery_set_status(self, app: str, instance_id: str, status: Status) -> Effect:
        args = {"app": app, "instance_id": instance_id, "status": status}
        return self._effect(
            "discovery.set_status", args, lambda: self.discovery.set_status(app, instance_id, status, self.dry_run)
        )

    # Backend: notify, events.

    def notify_email(self, target: str, subject: str, body: str) -> Effect:
        args = {"target": target, "subject": subject, "body": body}
        return self._effect("notify.email", args, lambda: self.notify.email(target, subject, body, self.dry_run))

    def notify_chat(self, target: str, text: str) -> Effect:
        args = {"target": target, "text": text}
        return self._effect("notify.chat", args, lambda: self.notify.chat(target, text, self.dry_run))

    def notify_page_trigger(
        self,
        target: str,
        summary: str,
        severity: Severity,
        source: str,
        dedup_key: str | None,
        details_json: str | None,
    ) -> Paged:
        args = {
            "target": target,
            "summary": summary,
            "severity": severity,
            "source": source,
            "dedup_key": dedup_key,
            "details_json": details_json,
        }
        return self._effect(
            "notify.page_trigger",
            args,
            lambda: self.notify.page_trigger(
                target, summary, severity, source, dedup_key, details_json, self.dry_run
            ),
        )

    def notify_page_resolve(self, target: str, dedup_key: str) -> Effect:
        args = {"target": target, "dedup_key": dedup_key}
        return self._effect(
            "notify.page_resolve", args, lambda: self.notify.page_resolve(target, dedup_key, self.dry_run)
        )

    def events_emit(self, kind: str, payload_json: str) -> Emitted:
        args = {"kind": kind, "payload_json": payload_json}
        return self._effect("events.emit", args, lambda: self.events.emit(kind, payload_json, self.dry_run))

    # Backend: effects.

    def effects_set_idempotency_key(self, key: str, ttl_seconds: int | None) -> None:
        args = {"key": key, "ttl_seconds": ttl_seconds}
        self._call("effects.set_idempotency_key", args, lambda: self.effects.set(key, ttl_seconds))

    def effects_clear_idempotency_key(self) -> None:
        self._call("effects.clear_idempotency_key", {}, self.effects.clear)

    def _call(self, name: str, args: dict[str, Any], perform: Callable[[], T]) -> T:
        try:
            self._injected_failure(name)
            result = perform()
        except HostError as error:
            named = with_call(error, name)
            self.calls.append(Call(name, args, error=named))
            raise named from None
        self.calls.append(Call(name, args, result=result))
        return result

    def _effect(self, name: str, args: dict[str, Any], perform: Callable[[], T]) -> T:
        """A side-effecting call: like `_call`, under the key the runbook set
        for it, if any (taken whatever becomes of the call, as by the host)."""
        key = self.effects.take()
        if key is None:
            return self._call(name, args, perform)
        try:
            self._injected_failure(name)
            # Dry-run neither consults nor claims the key.
            done = None if self.dry_run else self.effects.lookup(key.key)
            if done is not None and done.call != name:
                raise InvalidArgument(
                    f"idempotency key `{key.key}` was already used by a {done.call} call; "
                    f"a {name} call cannot reuse it"
                )
            result = done.result if done is not None else perform()
        except HostError as error:
            named = with_call(error, name)
            self.calls.append(Call(name, args, error=named, idempotency_key=key.key))
            raise named from None
        if done is None and not self.dry_run:
            self.effects.finish(key, name, result)
        self.calls.append(Call(name, args, result=result, idempotency_key=key.key, replayed=done is not None))
        return result

    def _injected_failure(self, name: str) -> None:
        for key in (name, name.split(".", 1)[0]):
            failure = self._failures.get(key)
            if failure is None:
                continue
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._failures[key]
            raise failure.error
