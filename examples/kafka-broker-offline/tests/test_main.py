import copy
from pathlib import Path
from typing import Any

import pytest

import wolfe
from wolfe.testing import load_event, load_runbook, run

HERE = Path(__file__).resolve().parents[1]
main = load_runbook(HERE / "main.py")


def sample(name: str, **kwargs: Any) -> wolfe.Event:
    return load_event(HERE / "events" / f"{name}.json", **kwargs)


def alert(instance_status: str = "ok", received_at: str = "2024-05-01T12:00:00Z", **metrics: Any) -> wolfe.Event:
    """The healthy-host sample with some fields changed."""
    base = sample("broker-down-healthy-host", received_at=received_at)
    payload = copy.deepcopy(base.payload)
    payload["instance_status"] = instance_status
    payload["metrics"].update(metrics)
    return wolfe.Event(base.id, base.source, base.kind, base.received_at, payload)


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("broker-down-healthy-host", "restart_broker"),
        ("instance-impaired", "replace_instance"),
        ("several-brokers-down", "page_oncall"),
    ],
)
def test_sample_events(name: str, action: str) -> None:
    result = run(main.handle, [sample(name)])
    assert result.succeeded, result.failure
    assert result.output["action"] == action


def test_output_carries_the_evidence_and_limits() -> None:
    output = run(main.handle, [alert()]).output
    assert output["cluster"] == "kafka-events-prod"
    assert output["broker_id"] == 7
    assert output["instance_id"] == "i-0a1b2c3d4e5f67890"
    assert output["evidence"]["under_replicated_partitions"] == 214
    assert output["limits"] == main.DEFAULT_LIMITS
    assert "780s" in output["reason"]


def test_stale_alert_needs_nothing() -> None:
    assert run(main.handle, [alert(controller_sees_broker=True)]).output["action"] == "none"


def test_waits_within_the_grace_period() -> None:
    output = run(main.handle, [alert(offline_seconds=90)]).output
    assert output["action"] == "wait"
    assert "300s grace period" in output["reason"]


def test_grace_period_comes_from_params() -> None:
    result = run(main.handle, [alert(offline_seconds=780)], params={"grace_period_seconds": 900})
    assert result.output["action"] == "wait"


def test_offline_partitions_skip_the_grace_period() -> None:
    output = run(main.handle, [alert(offline_seconds=30, offline_partitions=4)]).output
    assert output["action"] == "restart_broker"
    assert "4 partitions offline" in output["reason"]


def test_offline_partitions_on_an_impaired_host_page_instead_of_replacing() -> None:
    output = run(main.handle, [alert(instance_status="impaired", offline_partitions=4)]).output
    assert output["action"] == "page_oncall"
    assert "no safe automatic action" in output["reason"]


def test_offline_partitions_with_no_restarts_left_page() -> None:
    output = run(main.handle, [alert(offline_partitions=4, restarts_last_24h=2)]).output
    assert output["action"] == "page_oncall"


def test_exhausted_restart_budget_pages() -> None:
    assert run(main.handle, [alert(restarts_last_24h=2)]).output["action"] == "page_oncall"
    raised = run(main.handle, [alert(restarts_last_24h=2)], params={"max_restarts_per_day": 3})
    assert raised.output["action"] == "restart_broker"


def test_max_offline_brokers_comes_from_params() -> None:
    several = alert(offline_brokers_in_cluster=3)
    assert run(main.handle, [several]).output["action"] == "page_oncall"
    assert run(main.handle, [several], params={"max_offline_brokers": 3}).output["action"] == "restart_broker"


def test_newest_alert_wins() -> None:
    older = alert(offline_seconds=90, received_at="2024-05-01T12:00:00Z")
    newer = alert(offline_seconds=400, received_at="2024-05-01T12:05:10Z")
    assert run(main.handle, [newer, older]).output["action"] == "restart_broker"


def test_logs_the_diagnosis_and_warns_when_paging() -> None:
    result = run(main.handle, [sample("several-brokers-down")])
    diagnosis = next(r for r in result.logs if r.message == "diagnosing offline broker")
    assert diagnosis.fields["offline_partitions"] == 18
    assert diagnosis.fields["broker_id"] == 11
    assert [r.level for r in result.logs if r.message == "needs a human"] == ["warn"]


def test_malformed_alert_fails_naming_the_field() -> None:
    bad = alert()
    del bad.payload["metrics"]["offline_partitions"]
    result = run(main.handle, [bad])
    assert result.failure is not None
    assert result.failure.message == "alert payload is not a Kafka broker-offline alert"
    assert result.failure.detail == "KeyError: 'offline_partitions'"


@pytest.mark.parametrize("value", [-1, "300", True, 1.5])
def test_bad_params_fail_clearly(value: Any) -> None:
    result = run(main.handle, [alert()], params={"grace_period_seconds": value})
    assert result.failure is not None
    assert result.failure.message.startswith("param grace_period_seconds must be a non-negative integer")


def test_no_events_is_a_failure() -> None:
    assert run(main.handle, []).failure.message == "no alert event to act on"  # type: ignore[union-attr]
