import copy
from pathlib import Path
from typing import Any

import pytest

import wolfe
from wolfe.testing import event, load_event, load_runbook, run

HERE = Path(__file__).resolve().parents[1]
main = load_runbook(HERE / "main.py")

# The genuine sample started firing at 11:40:00Z; judge it 20 minutes later.
NOW = "2024-05-01T12:00:00Z"


def sample(name: str, received_at: str = NOW) -> wolfe.Event:
    return load_event(HERE / "events" / f"{name}.json", received_at=received_at)


def genuine(received_at: str = NOW, **annotations: str) -> wolfe.Event:
    payload = copy.deepcopy(sample("genuine-error-spike").payload)
    payload["annotations"].update(annotations)
    return event(payload, source="alertmanager", kind="alert.firing", received_at=received_at)


@pytest.mark.parametrize(
    ("name", "squelch"),
    [("genuine-error-spike", False), ("low-traffic-blip", True), ("resolved", True)],
)
def test_sample_events(name: str, squelch: bool) -> None:
    result = run(main.handle, [sample(name)])
    assert result.succeeded, result.failure
    assert result.output["squelch"] is squelch


def test_genuine_alert_keeps_paging_with_its_evidence() -> None:
    output = run(main.handle, [genuine()]).output
    assert output == {
        "squelch": False,
        "reason": "error rate 8.4% for 20 min: looks genuine",
        "alertname": "HighErrorRate",
        "fingerprint": "5b1e7c2d9a3f4e60",
        "evidence": {
            "status": "firing",
            "firing_seconds": 1200,
            "error_rate": 0.084,
            "requests_per_second": 212.5,
            "settings": main.DEFAULTS,
        },
    }


def test_resolved_alert_is_squelched() -> None:
    assert run(main.handle, [sample("resolved")]).output["reason"] == "already resolved"


def test_short_blip_is_squelched() -> None:
    output = run(main.handle, [genuine(received_at="2024-05-01T11:42:00Z")]).output
    assert output["squelch"] is True
    assert output["reason"] == "firing for 120s, under 300s: a blip"


def test_low_traffic_is_squelched() -> None:
    output = run(main.handle, [genuine(requests_per_second="0.2")]).output
    assert output["squelch"] is True
    assert "0.2 req/s" in output["reason"]


def test_error_rate_under_the_stricter_threshold_is_squelched() -> None:
    output = run(main.handle, [genuine(value="0.031")]).output
    assert output["squelch"] is True
    assert output["reason"] == "error rate 3.1% is under the paging threshold 5.0%"


def test_thresholds_come_from_params() -> None:
    stricter = run(main.handle, [genuine()], params={"error_rate_threshold": 0.10}).output
    assert stricter["squelch"] is True
    assert stricter["reason"] == "error rate 8.4% is under the paging threshold 10.0%"
    busier = run(main.handle, [genuine()], params={"min_requests_per_second": 500}).output
    assert busier["reason"].startswith("only 212.5 req/s")
    longer = run(main.handle, [genuine()], params={"min_firing_seconds": 3600}).output
    assert longer["reason"] == "firing for 1200s, under 3600s: a blip"


@pytest.mark.parametrize("value", ["NaN", "8.4%", ""])
def test_unreadable_value_is_not_squelched(value: str) -> None:
    output = run(main.handle, [genuine(value=value)]).output
    assert output["squelch"] is False
    assert "cannot verify" in output["reason"]
    assert output["evidence"]["error_rate"] is None


def window(**overrides: Any) -> dict[str, Any]:
    return {
        "labels": {"service": "checkout"},
        "starts_at": "2024-05-01T11:00:00Z",
        "ends_at": "2024-05-01T13:00:00Z",
        "reason": "database failover drill",
        **overrides,
    }


def test_maintenance_window_covering_the_alert_squelches_it() -> None:
    output = run(main.handle, [genuine()], params={"maintenance_windows": [window()]}).output
    assert output["squelch"] is True
    assert output["reason"] == "inside a maintenance window: database failover drill"
    assert output["evidence"]["maintenance_window"] == window()


@pytest.mark.parametrize(
    "other",
    [
        window(labels={"service": "search"}),
        window(ends_at="2024-05-01T12:00:00Z"),  # ends exactly when the alert arrived
        window(starts_at="2024-05-01T12:30:00Z"),
    ],
)
def test_maintenance_windows_that_do_not_cover_it_are_ignored(other: dict[str, Any]) -> None:
    assert run(main.handle, [genuine()], params={"maintenance_windows": [other]}).output["squelch"] is False


def test_bad_maintenance_window_fails_naming_it() -> None:
    result = run(main.handle, [genuine()], params={"maintenance_windows": [window(ends_at="soon")]})
    assert result.failure is not None
    assert result.failure.message == "maintenance_windows[0].ends_at is not an RFC 3339 timestamp: 'soon'"


def test_logs_the_verdict() -> None:
    (record,) = run(main.handle, [sample("low-traffic-blip")]).logs
    assert (record.level, record.message) == ("info", "squelched")
    assert record.fields["alertname"] == "HighErrorRate"
    assert record.fields["fingerprint"] == "e09a4c71b2d35f88"


@pytest.mark.parametrize("count", [0, 2])
def test_needs_exactly_one_alert(count: int) -> None:
    result = run(main.handle, [genuine() for _ in range(count)])
    assert result.failure is not None
    assert result.failure.message == f"expected exactly one alert event, got {count}"


def test_non_alert_payload_fails() -> None:
    result = run(main.handle, [event({"hello": "world"})])
    assert result.failure is not None
    assert result.failure.message == "payload is not an Alertmanager alert (no labels)"
