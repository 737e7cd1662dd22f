from datetime import datetime, timedelta, timezone

import pytest

from wolfe import Context, Event
from wolfe._records import WireContext, WireEvent, decode_context, decode_event, encode_event


def wire_context(**overrides: object) -> WireContext:
    fields: dict[str, object] = dict(
        execution_id="exec-1",
        runbook="kafka-broker-offline",
        team="streaming",
        environment="prod",
        attempt=2,
        dry_run=True,
        params_json='{"grace_period_seconds": 60, "nested": {"a": [1, 2]}}',
    )
    fields.update(overrides)
    return WireContext(**fields)  # type: ignore[arg-type]


def wire_event(**overrides: str) -> WireEvent:
    fields = dict(
        id="evt-1",
        source="atlas",
        kind="alert.firing",
        received_at="2024-05-01T12:34:56.123456789Z",
        payload_json='{"cluster": "events", "broker_id": 3}',
    )
    fields.update(overrides)
    return WireEvent(**fields)


def test_decode_context_copies_fields_and_parses_params() -> None:
    assert decode_context(wire_context()) == Context(
        execution_id="exec-1",
        runbook="kafka-broker-offline",
        team="streaming",
        environment="prod",
        attempt=2,
        dry_run=True,
        params={"grace_period_seconds": 60, "nested": {"a": [1, 2]}},
    )


def test_params_must_be_a_json_object() -> None:
    with pytest.raises(ValueError, match="must be a JSON object, got list"):
        decode_context(wire_context(params_json="[1]"))


def test_decode_event_parses_payload_and_received_at() -> None:
    event = decode_event(wire_event())
    assert event == Event(
        id="evt-1",
        source="atlas",
        kind="alert.firing",
        # Nanoseconds from the host are truncated to microseconds.
        received_at=datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=timezone.utc),
        payload={"cluster": "events", "broker_id": 3},
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        ("2024-05-01t12:00:00z", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        (
            "2024-05-01T14:00:00.5+02:00",
            datetime(2024, 5, 1, 14, 0, 0, 500000, tzinfo=timezone(timedelta(hours=2))),
        ),
    ],
)
def test_received_at_is_timezone_aware(text: str, expected: datetime) -> None:
    received_at = decode_event(wire_event(received_at=text)).received_at
    assert received_at == expected
    assert received_at.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["2024-05-01T12:00:00", "yesterday", ""])
def test_received_at_without_offset_or_garbage_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="evt-1: received-at is not RFC 3339"):
        decode_event(wire_event(received_at=text))


def test_payload_that_is_not_json_is_rejected() -> None:
    with pytest.raises(ValueError, match="evt-1: payload-json is not JSON"):
        decode_event(wire_event(payload_json="{nope"))


def test_encode_event_round_trips() -> None:
    event = decode_event(wire_event(received_at="2024-05-01T12:00:00Z"))
    wire = encode_event(event)
    assert wire.received_at == "2024-05-01T12:00:00Z"
    assert decode_event(wire) == event
