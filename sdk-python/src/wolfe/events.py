"""New events into Wolfe's pipeline, for chaining runbooks.

    from wolfe import events

    emitted = events.emit("broker.restarted", {"cluster": "events", "broker_id": 3})
    log.info("told the pipeline", event_id=emitted.id)

The event comes from source "runbook" in the execution's environment; rules
route it like any other. Chains are cut at the host's depth limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wolfe import _args, _host

__all__ = ["Emitted", "emit"]


@dataclass(frozen=True)
class Emitted:
    #: The new event's id; empty when simulated.
    id: str
    #: True in dry-run mode: recorded, not emitted.
    simulated: bool = False

    def __str__(self) -> str:
        return self.id


def emit(kind: str, payload: Any) -> Emitted:
    """Emit an event of `kind` (e.g. "broker.restarted") whose payload is
    `payload` (usually a dict) as JSON."""
    call = "events.emit"
    kind = _args.text(call, "kind", kind)
    payload_json = _args.to_json(call, "payload", payload)
    return _host.invoke(call, lambda host: host.events_emit(kind, payload_json))
