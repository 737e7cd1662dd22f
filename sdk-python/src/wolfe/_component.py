"""Binds the SDK to componentize-py's generated `wit_world` bindings.

Only importable inside a component build, where `wit_world` exists. The build
tool generates the app module as:

    import main  # registers the @wolfe.runbook handler
    from wolfe._component import Handler, ensure_registered
    ensure_registered()  # no handler is a build error

Generated types never leave this module: results become the SDK's records
and a `componentize_py_types.Err(common.Error_*)` becomes a `HostError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, List, TypeVar

import componentize_py_types
from wit_world import exports as wit_exports
from wit_world.imports import common as wit_common
from wit_world.imports import discovery as wit_discovery
from wit_world.imports import effects as wit_effects
from wit_world.imports import events as wit_events
from wit_world.imports import http as wit_http
from wit_world.imports import instances as wit_instances
from wit_world.imports import kv as wit_kv
from wit_world.imports import log as wit_log
from wit_world.imports import metrics as wit_metrics
from wit_world.imports import notify as wit_notify
from wit_world.imports import secrets as wit_secrets
from wit_world.imports import types as wit_types

from wolfe import _host, _registry
from wolfe._dispatch import Failure, dispatch
from wolfe._effect import Effect
from wolfe._errors import Denied, HostError, InvalidArgument, NotFound, TooLarge, Unavailable
from wolfe.discovery import DiscoveryInstance
from wolfe.events import Emitted
from wolfe.http import Headers, Response
from wolfe.instances import Instance
from wolfe.kv import Entry, Swap
from wolfe.metrics import Sample, Series
from wolfe.notify import Paged

_LEVELS: dict[_host.LogLevel, wit_log.Level] = {
    "trace": wit_log.Level.TRACE,
    "debug": wit_log.Level.DEBUG,
    "info": wit_log.Level.INFO,
    "warn": wit_log.Level.WARN,
    "error": wit_log.Level.ERROR,
}
_SCOPES: dict[_host.Scope, wit_kv.Scope] = {"runbook": wit_kv.Scope.RUNBOOK, "team": wit_kv.Scope.TEAM}
_STATUSES: dict[_host.Status, wit_discovery.Status] = {
    "UP": wit_discovery.Status.UP,
    "OUT_OF_SERVICE": wit_discovery.Status.OUT_OF_SERVICE,
}
_SEVERITIES: dict[_host.Severity, wit_notify.Severity] = {
    "critical": wit_notify.Severity.CRITICAL,
    "error": wit_notify.Severity.ERROR,
    "warning": wit_notify.Severity.WARNING,
    "info": wit_notify.Severity.INFO,
}
_ERRORS: dict[type, type[HostError]] = {
    wit_common.Error_Denied: Denied,
    wit_common.Error_Invalid: InvalidArgument,
    wit_common.Error_NotFound: NotFound,
    wit_common.Error_Unavailable: Unavailable,
    wit_common.Error_TooLarge: TooLarge,
}

T = TypeVar("T")


def _call(name: str, host_call: Callable[[], T]) -> T:
    """Run one WIT import, turning its `error` into the SDK's exception."""
    try:
        return host_call()
    except componentize_py_types.Err as err:
        error: Any = err.value
        kind = _ERRORS.get(type(error))
        if kind is None:  # A case this SDK does not know: a newer host.
            raise Unavailable(f"unexpected host error {error!r}", call=name) from None
        raise kind(str(error.value), call=name) from None


def _effect(effect: wit_common.Effect) -> Effect:
    return Effect(simulated=effect.simulated)


def _instance(instance: wit_instances.Instance) -> Instance:
    return Instance(
        id=instance.id,
        state=instance.state,
        instance_type=instance.instance_type,
        private_ip=instance.private_ip,
        tags=dict(instance.tags),
    )


class WitBackend:
    """Forwards SDK host calls to the component's WIT imports."""

    def log_write(self, level: _host.LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        wit_log.write(
            _LEVELS[level], message, [wit_log.Field(key=key, value_json=value) for key, value in fields]
        )

    def kv_get(self, scope: _host.Scope, key: str) -> str | None:
        return _call("kv.get", lambda: wit_kv.get(_SCOPES[scope], key))

    def kv_set(self, scope: _host.Scope, key: str, value: str, ttl_seconds: int | None) -> Effect:
        return _effect(_call("kv.set", lambda: wit_kv.set(_SCOPES[scope], key, value, ttl_seconds)))

    def kv_delete(self, scope: _host.Scope, key: str) -> Effect:
        return _effect(_call("kv.delete", lambda: wit_kv.delete(_SCOPES[scope], key)))

    def kv_scan(self, scope: _host.Scope, prefix: str, limit: int) -> list[Entry]:
        entries = _call("kv.scan", lambda: wit_kv.scan(_SCOPES[scope], prefix, limit))
        return [Entry(entry.key, entry.value) for entry in entries]

    def kv_compare_and_set(
        self, scope: _host.Scope, key: str, expected: str | None, value: str, ttl_seconds: int | None
    ) -> Swap:
        swap = _call(
            "kv.compare_and_set",
            lambda: wit_kv.compare_and_set(_SCOPES[scope], key, expected, value, ttl_seconds),
        )
        return Swap(swapped=swap.swapped, simulated=swap.simulated)

    def http_send(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        timeout_ms: int | None,
    ) -> Response:
        request = wit_http.Request(
            method=method,
            url=url,
            headers=[wit_http.Header(name=name, value=value) for name, value in headers],
            body=body,
            timeout_ms=timeout_ms,
        )
        response = _call("http.send", lambda: wit_http.send(request))
        return Response(
            status=response.status,
            headers=Headers((header.name, header.value) for header in response.headers),
            body=bytes(response.body),
            simulated=response.simulated,
            method=method,
            url=url,
        )

    def secrets_get(self, name: str) -> str:
        return _call("secrets.get", lambda: wit_secrets.get(name))

    def metrics_query(self, backend: str, query: str, range: _host.Range | None) -> list[Series]:
        wit_range = None if range is None else wit_metrics.Range(*range)
        series = _call("metrics.query", lambda: wit_metrics.query(backend, query, wit_range))
        return [
            Series(
                labels=dict(one.labels),
                samples=[Sample.from_ms(s.timestamp_ms, s.value) for s in one.samples],
            )
            for one in series
        ]

    def instances_describe(self, ids: list[str]) -> list[Instance]:
        return [_instance(i) for i in _call("instances.describe", lambda: wit_instances.describe(ids))]

    def instances_find(self, tags: list[tuple[str, str]]) -> list[Instance]:
        return [_instance(i) for i in _call("instances.find", lambda: wit_instances.find(tags))]

    def instances_reboot(self, id: str) -> Effect:
        return _effect(_call("instances.reboot", lambda: wit_instances.reboot(id)))

    def instances_terminate(self, id: str) -> Effect:
        return _effect(_call("instances.terminate", lambda: wit_instances.terminate(id)))

    def discovery_instances(self, app: str) -> list[DiscoveryInstance]:
        found = _call("discovery.instances", lambda: wit_discovery.instances(app))
        return [
            DiscoveryInstance(
                id=i.id, app=i.app, host_name=i.host_name, ip_addr=i.ip_addr, status=i.status, port=i.port
            )
            for i in found
        ]

    def discovery_set_status(self, app: str, instance_id: str, status: _host.Status) -> Effect:
        return _effect(
            _call(
                "discovery.set_status",
                lambda: wit_discovery.set_status(app, instance_id, _STATUSES[status]),
            )
        )

    def notify_email(self, target: str, subject: str, body: str) -> Effect:
        return _effect(_call("notify.email", lambda: wit_notify.email(target, subject, body)))

    def notify_chat(self, target: str, text: str) -> Effect:
        return _effect(_call("notify.chat", lambda: wit_notify.chat(target, text)))

    def notify_page_trigger(
        self,
        target: str,
        summary: str,
        severity: _host.Severity,
        source: str,
        dedup_key: str | None,
        details_json: str | None,
    ) -> Paged:
        page = wit_notify.Page(
            summary=summary,
            severity=_SEVERITIES[severity],
            source=source,
            dedup_key=dedup_key,
            details_json=details_json,
        )
        paged = _call("notify.page_trigger", lambda: wit_notify.page_trigger(target, page))
        return Paged(dedup_key=paged.dedup_key, simulated=paged.simulated)

    def notify_page_resolve(self, target: str, dedup_key: str) -> Effect:
        return _effect(_call("notify.page_resolve", lambda: wit_notify.page_resolve(target, dedup_key)))

    def events_emit(self, kind: str, payload_json: str) -> Emitted:
        emitted = _call("events.emit", lambda: wit_events.emit(kind, payload_json))
        return Emitted(id=emitted.id, simulated=emitted.simulated)

    def effects_set_idempotency_key(self, key: str, ttl_seconds: int | None) -> None:
        _call("effects.set_idempotency_key", lambda: wit_effects.set_idempotency_key(key, ttl_seconds))

    def effects_clear_idempotency_key(self) -> None:
        wit_effects.clear_idempotency_key()


# Installed at import, i.e. while componentize-py pre-initialises the
# component, so it is already in place when the host first calls `handle`.
_host.install(WitBackend())


def ensure_registered() -> None:
    """Fail the build when the runbook marked no handler.

    The generated app module calls this right after importing the runbook,
    which componentize-py does while pre-initialising the component, so the
    mistake surfaces as a build error rather than at the first execution.
    """
    if _registry.registered() is None:
        raise RuntimeError(
            "no function is marked with @wolfe.runbook: decorate the runbook's entry function"
        )


class Handler(wit_exports.Handler):
    def handle(self, ctx: wit_types.Context, events: List[wit_types.Event]) -> str:
        outcome = dispatch(_registry.registered(), ctx, events)
        if isinstance(outcome, Failure):
            raise componentize_py_types.Err(
                wit_types.Failure(message=outcome.message, detail=outcome.detail)
            )
        return outcome
