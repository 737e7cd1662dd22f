from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wolfe.events import Emitted


@dataclass(frozen=True)
class EmittedEvent:
    #: "" when simulated.
    id: str
    kind: str
    #: Decoded from JSON, i.e. what the pipeline receives.
    payload: Any
    simulated: bool


class FakeEvents:
    """Records emitted events; ids are "event-1", "event-2", ...

        assert [e.kind for e in host.events.emitted] == ["broker.restarted"]
    """

    def __init__(self) -> None:
        self.emitted: list[EmittedEvent] = []

    def emit(self, kind: str, payload_json: str, simulated: bool) -> Emitted:
        id = "" if simulated else f"event-{sum(not e.simulated for e in self.emitted) + 1}"
        self.emitted.append(EmittedEvent(id, kind, json.loads(payload_json), simulated))
        return Emitted(id=id, simulated=simulated)
