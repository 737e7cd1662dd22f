"""The dispatch path shared by the component and wolfe.testing.run."""

import json
import os
from datetime import datetime, timezone
from typing import Any

import pytest

import wolfe
from wolfe import _host, log
from wolfe._dispatch import NO_HANDLER, Failure, dispatch
from wolfe._records import WireContext, WireEvent
from wolfe.testing import FakeHost, event, run

Events = list[wolfe.Event]


def test_output_is_json_round_tripped() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> Any:
        return {"action": "wait", "brokers": (1, 2), 3: "int key"}

    result = run(handle)
    assert result.succeeded
    # Exactly what the host will see: tuples become lists, keys become strings.
    assert result.output == {"action": "wait", "brokers": [1, 2], "3": "int key"}
    assert json.loads(result.output_json or "") == result.output


def test_none_output_is_json_null() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> None:
        return None

    result = run(handle)
    assert result.succeeded
    assert result.output_json == "null"
    assert result.output is None


def test_runbook_failure_ends_the_run_with_its_message_and_detail() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> None:
        log.info("checking broker")
        raise wolfe.RunbookFailure("broker 3 still offline", detail="restarted twice")

    result = run(handle)
    assert not result.succeeded
    assert result.output is None
    assert result.failure == Failure("broker 3 still offline", "restarted twice")
    # No traceback logged for a failure the runbook itself declared.
    assert [r.message for r in result.logs] == ["checking broker"]


def test_runbook_failure_detail_is_optional() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> None:
        raise wolfe.RunbookFailure("nope")

    assert run(handle).failure == Failure("nope", None)


def explode(payload: dict[str, Any]) -> None:
    payload["missing"]


def test_unexpected_exception_fails_with_type_message_and_traceback() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> None:
        explode(events[0].payload)

    result = run(handle, [event({"present": 1})])
    assert result.failure is not None
    assert result.failure.message == "KeyError: 'missing'"
    detail = result.failure.detail or ""
    assert detail.startswith("Traceback (most recent call last):")
    assert "in handle" in detail and "in explode" in detail
    assert detail.rstrip().endswith("KeyError: 'missing'")
    # The SDK's own frame is trimmed: the traceback starts in the runbook.
    assert os.path.join("wolfe", "_dispatch.py") not in detail

    (record,) = [r for r in result.logs if r.level == "error"]
    assert record.message == "unhandled KeyError: 'missing'"
    assert record.fields == {"exception": "KeyError", "traceback": detail}


def test_exception_without_message_is_named_alone() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> None:
        raise ValueError()

    assert run(handle).failure.message == "ValueError"  # type: ignore[union-attr]


def test_sys_exit_is_a_failure_not_a_crash() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> None:
        raise SystemExit(3)

    assert run(handle).failure.message == "SystemExit: 3"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("output", "named"),
    [
        ({"at": datetime(2024, 1, 1, tzinfo=timezone.utc)}, "datetime"),
        ({1, 2}, "set"),
        ({"ratio": float("nan")}, "Out of range float"),
    ],
)
def test_non_serialisable_output_is_a_failure_naming_the_problem(output: Any, named: str) -> None:
    def handle(ctx: wolfe.Context, events: Events) -> Any:
        return output

    result = run(handle)
    assert result.failure is not None
    assert result.failure.message.startswith("runbook output is not JSON-serialisable: ")
    assert named in result.failure.message


def test_context_and_params_reach_the_handler() -> None:
    seen: list[wolfe.Context] = []

    def handle(ctx: wolfe.Context, events: Events) -> None:
        seen.append(ctx)

    run(
        handle,
        params={"threshold": 0.5, "brokers": [1, 2]},
        dry_run=True,
        runbook="rb",
        team="streaming",
        environment="prod",
        attempt=3,
        execution_id="exec-9",
    )
    assert seen == [
        wolfe.Context(
            execution_id="exec-9",
            runbook="rb",
            team="streaming",
            environment="prod",
            attempt=3,
            dry_run=True,
            params={"threshold": 0.5, "brokers": [1, 2]},
        )
    ]


def test_defaults_are_not_dry_run_and_empty_params() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> Any:
        return {"dry_run": ctx.dry_run, "params": ctx.params, "attempt": ctx.attempt}

    assert run(handle).output == {"dry_run": False, "params": {}, "attempt": 1}


def test_events_cross_the_json_boundary() -> None:
    seen: list[Events] = []

    def handle(ctx: wolfe.Context, events: Events) -> None:
        seen.append(events)

    sent = event({"values": (1, 2)}, source="atlas", kind="alert", id="e1", received_at="2024-05-01T12:00:00Z")
    run(handle, [sent])
    (received,) = seen[0]
    assert received.payload == {"values": [1, 2]}  # tuple became a JSON array
    assert (received.id, received.source, received.kind) == ("e1", "atlas", "alert")
    assert received.received_at == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)


def test_backend_is_restored_after_success_and_failure() -> None:
    sentinel = FakeHost()
    _host.install(sentinel)

    def ok(ctx: wolfe.Context, events: Events) -> None:
        log.info("inside")

    def boom(ctx: wolfe.Context, events: Events) -> None:
        raise RuntimeError("x")

    run(ok)
    assert _host.current() is sentinel
    run(boom)
    assert _host.current() is sentinel
    assert sentinel.logs == []  # the run's logs went to the run's host


def test_backend_is_restored_even_if_dispatch_raises() -> None:
    sentinel = FakeHost()
    _host.install(sentinel)

    class Interrupt(KeyboardInterrupt):
        pass

    def interrupted(ctx: wolfe.Context, events: Events) -> None:
        raise Interrupt()

    with pytest.raises(Interrupt):
        run(interrupted)
    assert _host.current() is sentinel


def test_a_shared_host_keeps_all_logs_but_results_hold_their_own() -> None:
    host = FakeHost()

    def handle(ctx: wolfe.Context, events: Events) -> None:
        log.info("run", n=ctx.attempt)

    first = run(handle, host=host, attempt=1)
    second = run(handle, host=host, attempt=2)
    assert [r.fields["n"] for r in first.logs] == [1]
    assert [r.fields["n"] for r in second.logs] == [2]
    assert len(host.logs) == 2


def test_dispatch_without_a_handler_fails_clearly() -> None:
    ctx = WireContext("e", "rb", "t", "dev", 1, False, "{}")
    outcome = dispatch(None, ctx, [])
    assert isinstance(outcome, Failure)
    assert outcome.message == NO_HANDLER == "no function is marked with @wolfe.runbook"


def test_bad_host_input_is_a_failure_not_an_exception() -> None:
    def handle(ctx: wolfe.Context, events: Events) -> None:
        raise AssertionError("must not be called")

    ctx = WireContext("e", "rb", "t", "dev", 1, False, "not json")
    outcome = dispatch(handle, ctx, [])
    assert isinstance(outcome, Failure)
    assert outcome.message.startswith("invalid input from the host: JSONDecodeError")

    good_ctx = WireContext("e", "rb", "t", "dev", 1, False, "{}")
    bad_event = WireEvent("evt-7", "s", "k", "not a time", "{}")
    outcome = dispatch(handle, good_ctx, [bad_event])
    assert isinstance(outcome, Failure)
    assert "evt-7: received-at is not RFC 3339" in outcome.message


def test_a_broken_log_backend_does_not_hide_the_failure() -> None:
    class Broken:
        def log_write(self, level: str, message: str, fields: list[tuple[str, str]]) -> None:
            raise OSError("log pipe closed")

    def handle(ctx: wolfe.Context, events: Events) -> None:
        raise ValueError("real problem")

    _host.install(Broken())  # type: ignore[arg-type]
    ctx = WireContext("e", "rb", "t", "dev", 1, False, "{}")
    outcome = dispatch(handle, ctx, [])
    assert isinstance(outcome, Failure) and outcome.message == "ValueError: real problem"
