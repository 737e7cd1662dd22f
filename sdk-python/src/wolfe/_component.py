"""Binds the SDK to componentize-py's generated `wit_world` bindings.

Only importable inside a component build, where `wit_world` exists. The build
tool generates the app module as:

    import main  # registers the @wolfe.runbook handler
    from wolfe._component import Handler, ensure_registered
    ensure_registered()  # no handler is a build error
"""

from __future__ import annotations

from typing import List

import componentize_py_types
from wit_world import exports as wit_exports
from wit_world.imports import log as wit_log
from wit_world.imports import types as wit_types

from wolfe import _host, _registry
from wolfe._dispatch import Failure, dispatch

_LEVELS: dict[_host.LogLevel, wit_log.Level] = {
    "trace": wit_log.Level.TRACE,
    "debug": wit_log.Level.DEBUG,
    "info": wit_log.Level.INFO,
    "warn": wit_log.Level.WARN,
    "error": wit_log.Level.ERROR,
}


class WitBackend:
    """Forwards SDK host calls to the component's WIT imports."""

    def log_write(self, level: _host.LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        wit_log.write(
            _LEVELS[level], message, [wit_log.Field(key=key, value_json=value) for key, value in fields]
        )


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
