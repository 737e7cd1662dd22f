"""Wolfe's Python SDK: write a runbook as one decorated function.

    import wolfe
    from wolfe import kv, log

    @wolfe.runbook
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict:
        log.info("starting", events=len(events))
        kv.set("last-seen", events[-1].id)
        return {"ok": True}

Host interfaces: `log`, `kv`, `http`, `secrets`, `metrics`, `instances`,
`discovery`, `notify`, `events`, and `effects` (idempotency keys across
executions). Their calls raise `HostError` subclasses.
"""

from wolfe import discovery, effects, events, http, instances, kv, log, metrics, notify, secrets
from wolfe._effect import Effect
from wolfe._errors import Denied, HostError, InvalidArgument, NotFound, TooLarge, Unavailable
from wolfe._failure import RunbookFailure
from wolfe._model import Context, Event
from wolfe._registry import runbook

__all__ = [
    "Context",
    "Denied",
    "Effect",
    "Event",
    "HostError",
    "InvalidArgument",
    "NotFound",
    "RunbookFailure",
    "TooLarge",
    "Unavailable",
    "discovery",
    "effects",
    "events",
    "http",
    "instances",
    "kv",
    "log",
    "metrics",
    "notify",
    "runbook",
    "secrets",
]
__version__ = "0.1.0"
