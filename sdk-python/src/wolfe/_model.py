"""What a runbook handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Context:
    """Who is running and why."""

    execution_id: str
    runbook: str
    team: str
    environment: str
    #: 1 for the first attempt, 2 for the first retry, ...
    attempt: int
    #: When true, side-effecting host calls are recorded, not performed.
    dry_run: bool
    #: The execution's parameters (a JSON object).
    params: dict[str, Any]


@dataclass(frozen=True)
class Event:
    """One operational event that triggered the execution."""

    id: str
    #: Where it came from, e.g. "alertmanager", "atlas", "timer", "manual".
    source: str
    #: What it is within its source, e.g. "alert.firing".
    kind: str
    #: When Wolfe committed the event (timezone-aware).
    received_at: datetime
    #: The event body, decoded from JSON (usually a dict).
    payload: Any
