"""Kafka broker offline: decide how to bring a broker back.

Modelled on Netflix's Winston: an Atlas alert about one broker arrives via
SQS, already enriched with a snapshot of the cluster, and the runbook picks
one remediation. It only decides; carrying the action out needs host APIs
Wolfe does not offer yet, so the decision is the output.

Params (all optional):
    grace_period_seconds  how long a broker may be offline before we act (300)
    max_offline_brokers   more brokers down than this means a wider outage (1)
    max_restarts_per_day  restarts allowed before a human takes over (2)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import wolfe
from wolfe import log

DEFAULT_LIMITS = {
    "grace_period_seconds": 300,
    "max_offline_brokers": 1,
    "max_restarts_per_day": 2,
}


@dataclass(frozen=True)
class Limits:
    grace_period_seconds: int
    max_offline_brokers: int
    max_restarts_per_day: int


@dataclass(frozen=True)
class Alert:
    cluster: str
    region: str
    broker_id: int
    instance_id: str
    instance_status: str  # EC2 status checks: "ok" or "impaired"
    offline_seconds: int
    under_replicated_partitions: int
    offline_partitions: int
    controller_sees_broker: bool
    offline_brokers_in_cluster: int
    restarts_last_24h: int


@dataclass(frozen=True)
class Decision:
    action: str  # none | wait | restart_broker | replace_instance | page_oncall
    reason: str


def parse_limits(params: dict[str, Any]) -> Limits:
    values = {**DEFAULT_LIMITS, **{k: v for k, v in params.items() if k in DEFAULT_LIMITS}}
    for name, value in values.items():
        # bool is an int subclass, but `true` is never a meaningful threshold.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise wolfe.RunbookFailure(f"param {name} must be a non-negative integer, got {value!r}")
    return Limits(**values)


def parse_alert(payload: Any) -> Alert:
    try:
        broker, metrics = payload["broker"], payload["metrics"]
        return Alert(
            cluster=str(payload["cluster"]),
            region=str(payload["region"]),
            broker_id=int(broker["id"]),
            instance_id=str(broker["instance_id"]),
            instance_status=str(payload.get("instance_status", "ok")),
            offline_seconds=int(metrics["offline_seconds"]),
            under_replicated_partitions=int(metrics["under_replicated_partitions"]),
            offline_partitions=int(metrics["offline_partitions"]),
            controller_sees_broker=bool(metrics["controller_sees_broker"]),
            offline_brokers_in_cluster=int(metrics["offline_brokers_in_cluster"]),
            restarts_last_24h=int(metrics.get("restarts_last_24h", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        # A malformed alert is the alert pipeline's bug, not ours: say which
        # field is wrong instead of surfacing a traceback.
        raise wolfe.RunbookFailure(
            "alert payload is not a Kafka broker-offline alert",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None


def decide(alert: Alert, limits: Limits) -> Decision:
    """Pick one action. The order matters: each check assumes the ones
    before it passed."""
    if alert.controller_sees_broker:
        return Decision("none", "the controller sees the broker again; the alert is stale")

    if alert.offline_brokers_in_cluster > limits.max_offline_brokers:
        # Several brokers at once points at a shared cause (AZ, network,
        # ZooKeeper); restarting or replacing one could make it worse.
        return Decision(
            "page_oncall",
            f"{alert.offline_brokers_in_cluster} brokers offline in {alert.cluster} "
            f"(limit {limits.max_offline_brokers}): likely a wider outage",
        )

    restarts_left = alert.restarts_last_24h < limits.max_restarts_per_day
    impaired = alert.instance_status != "ok"

    if alert.offline_partitions > 0:
        # This broker holds the last in-sync replica of some partitions, so
        # clients are failing now: skip the grace period. Replacing the
        # instance would throw those replicas away; only a restart is safe.
        if impaired:
            return Decision(
                "page_oncall",
                f"{alert.offline_partitions} partitions offline and the instance is {alert.instance_status}: "
                "no safe automatic action",
            )
        if not restarts_left:
            return Decision(
                "page_oncall",
                f"{alert.offline_partitions} partitions offline and the restart budget is used up",
            )
        return Decision("restart_broker", f"{alert.offline_partitions} partitions offline; restarting now")

    if alert.offline_seconds < limits.grace_period_seconds:
        # Rolling deploys and ZooKeeper session blips recover by themselves;
        # acting on them only adds churn.
        return Decision(
            "wait",
            f"offline for {alert.offline_seconds}s, within the {limits.grace_period_seconds}s grace period",
        )

    if impaired:
        # The host itself is broken, so a process restart will not help. With
        # no offline partitions, replication rebuilds the data on a new one.
        return Decision("replace_instance", f"instance {alert.instance_id} is {alert.instance_status}")

    if not restarts_left:
        return Decision(
            "page_oncall",
            f"restarted {alert.restarts_last_24h} times in 24h (limit {limits.max_restarts_per_day}); "
            "restarts are not fixing it",
        )

    return Decision("restart_broker", f"offline for {alert.offline_seconds}s on a healthy instance")


@wolfe.runbook
def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict[str, Any]:
    if not events:
        raise wolfe.RunbookFailure("no alert event to act on")
    # Alerts re-fire while the broker stays down; the newest snapshot wins.
    latest = max(events, key=lambda event: event.received_at)
    if len(events) > 1:
        log.debug("using the newest of several alerts", events=len(events), event_id=latest.id)

    limits = parse_limits(ctx.params)
    alert = parse_alert(latest.payload)
    evidence = asdict(alert)
    log.info("diagnosing offline broker", **evidence)

    decision = decide(alert, limits)
    if decision.action == "page_oncall":
        log.warn("needs a human", reason=decision.reason)
    else:
        log.info("decision", action=decision.action, reason=decision.reason)
    return {
        "action": decision.action,
        "reason": decision.reason,
        "cluster": alert.cluster,
        "broker_id": alert.broker_id,
        "instance_id": alert.instance_id,
        "evidence": evidence,
        "limits": asdict(limits),
    }
