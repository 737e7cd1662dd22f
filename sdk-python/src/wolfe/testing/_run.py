from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wolfe import _host
from wolfe._dispatch import Failure, dispatch
from wolfe._model import Event
from wolfe._records import WireContext, encode_event
from wolfe._registry import Handler
from wolfe.testing._fake_host import Call, FakeHost, LogRecord


@dataclass(frozen=True)
class RunResult:
    #: The handler's output after the JSON round trip (None on failure).
    output: Any
    output_json: str | None
    failure: Failure | None
    #: Log records written during this run.
    logs: list[LogRecord]
    #: Host calls (but logs) made during this run.
    calls: list[Call]

    @property
    def succeeded(self) -> bool:
        return self.failure is None


def run(
    handler: Handler,
    events: Sequence[Event] = (),
    *,
    params: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    runbook: str = "test",
    team: str = "test",
    environment: str = "dev",
    attempt: int = 1,
    execution_id: str | None = None,
    host: FakeHost | None = None,
) -> RunResult:
    """Run `handler` the way the component does, against a fake host.

    Params, events and output cross JSON exactly as they do between host and
    component, and failures are reported, not raised. `dry_run` also tells
    the fake host to simulate side effects.
    """
    host = host if host is not None else FakeHost()
    host.dry_run = dry_run
    host.effects.scope = (team, runbook, environment)
    ctx = WireContext(
        execution_id=execution_id if execution_id is not None else f"test-{uuid.uuid4()}",
        runbook=runbook,
        team=team,
        environment=environment,
        attempt=attempt,
        dry_run=dry_run,
        params_json=json.dumps(dict(params or {}), allow_nan=False),
    )
    wire_events = [encode_event(event) for event in events]

    first_log, first_call = len(host.logs), len(host.calls)
    previous = _host.install(host)
    try:
        outcome = dispatch(handler, ctx, wire_events)
    finally:
        _host.install(previous)

    logs, calls = host.logs[first_log:], host.calls[first_call:]
    if isinstance(outcome, Failure):
        return RunResult(output=None, output_json=None, failure=outcome, logs=logs, calls=calls)
    return RunResult(output=json.loads(outcome), output_json=outcome, failure=None, logs=logs, calls=calls)
