"""The host's wire records and their conversion to `Context` / `Event`.

The protocols name exactly the attributes of the componentize-py generated
`wit_world.imports.types.Context` / `Event`, so the component passes those
straight in, and `wolfe.testing` passes `WireContext` / `WireEvent`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from wolfe._model import Context, Event
from wolfe._time import format_rfc3339, parse_rfc3339


class ContextRecord(Protocol):
    @property
    def execution_id(self) -> str: ...
    @property
    def runbook(self) -> str: ...
    @property
    def team(self) -> str: ...
    @property
    def environment(self) -> str: ...
    @property
    def attempt(self) -> int: ...
    @property
    def dry_run(self) -> bool: ...
    @property
    def params_json(self) -> str: ...


class EventRecord(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def received_at(self) -> str: ...
    @property
    def payload_json(self) -> str: ...


@dataclass(frozen=True)
class WireContext:
    execution_id: str
    runbook: str
    team: str
    environment: str
    attempt: int
    dry_run: bool
    params_json: str


@dataclass(frozen=True)
class WireEvent:
    id: str
    source: str
    kind: str
    received_at: str
    payload_json: str


def decode_context(record: ContextRecord) -> Context:
    params = json.loads(record.params_json)
    if not isinstance(params, dict):
        raise ValueError(f"params-json must be a JSON object, got {type(params).__name__}")
    return Context(
        execution_id=record.execution_id,
        runbook=record.runbook,
        team=record.team,
        environment=record.environment,
        attempt=int(record.attempt),
        dry_run=bool(record.dry_run),
        params=params,
    )


def decode_event(record: EventRecord) -> Event:
    try:
        payload = json.loads(record.payload_json)
    except ValueError as exc:
        raise ValueError(f"event {record.id}: payload-json is not JSON: {exc}") from exc
    try:
        received_at = parse_rfc3339(record.received_at)
    except ValueError as exc:
        raise ValueError(f"event {record.id}: received-at is not RFC 3339: {exc}") from exc
    return Event(
        id=record.id,
        source=record.source,
        kind=record.kind,
        received_at=received_at,
        payload=payload,
    )


def encode_event(event: Event) -> WireEvent:
    """The inverse of `decode_event`, used by `wolfe.testing` to make tests
    cross the same JSON boundary the host does."""
    return WireEvent(
        id=event.id,
        source=event.source,
        kind=event.kind,
        received_at=format_rfc3339(event.received_at),
        payload_json=json.dumps(event.payload, allow_nan=False),
    )
