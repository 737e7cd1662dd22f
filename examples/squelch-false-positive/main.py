"""Squelch false positives: second-guess a high-error-rate alert before it pages.

The Prometheus rule is deliberately sensitive so dashboards light up early;
paging a human needs more. This runbook receives one alert from an
Alertmanager webhook (v4 `alerts[]` item) and decides whether to squelch it.

Params (all optional):
    error_rate_threshold     error ratio worth paging for (0.05)
    min_firing_seconds       shorter blips are noise (300)
    min_requests_per_second  below this a ratio is a handful of requests (1.0)
    maintenance_windows      [{"labels": {...}, "starts_at": ..., "ends_at": ..., "reason": ...}]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import wolfe
from wolfe import log

DEFAULTS = {
    "error_rate_threshold": 0.05,
    "min_firing_seconds": 300,
    "min_requests_per_second": 1.0,
}


@dataclass(frozen=True)
class Verdict:
    squelch: bool
    reason: str


def parse_time(value: Any, what: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise wolfe.RunbookFailure(f"{what} is not an RFC 3339 timestamp: {value!r}") from None
    if parsed.tzinfo is None:
        raise wolfe.RunbookFailure(f"{what} has no UTC offset: {value!r}")
    return parsed


def number(annotations: dict[str, Any], key: str) -> float | None:
    """Annotations are strings; a missing or garbled one is None, not 0, so
    a broken template never reads as "no errors". Prometheus renders 0/0 as
    NaN, which is unreadable too."""
    try:
        value = float(annotations[key])
    except (KeyError, TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def covering_window(labels: dict[str, str], now: datetime, windows: list[Any]) -> dict[str, Any] | None:
    for index, window in enumerate(windows):
        starts = parse_time(window.get("starts_at"), f"maintenance_windows[{index}].starts_at")
        ends = parse_time(window.get("ends_at"), f"maintenance_windows[{index}].ends_at")
        matches = all(labels.get(key) == value for key, value in window.get("labels", {}).items())
        if matches and starts <= now < ends:
            return window
    return None


def judge(alert: dict[str, Any], now: datetime, params: dict[str, Any]) -> tuple[Verdict, dict[str, Any]]:
    """Returns the verdict and the evidence it rests on. Cheap, certain
    reasons to squelch come first; anything unverifiable keeps the page."""
    settings = {**DEFAULTS, **{k: v for k, v in params.items() if k in DEFAULTS}}
    labels, annotations = alert.get("labels", {}), alert.get("annotations", {})
    firing_seconds = (now - parse_time(alert.get("startsAt"), "startsAt")).total_seconds()
    error_rate = number(annotations, "value")
    rps = number(annotations, "requests_per_second")
    evidence = {
        "status": alert.get("status"),
        "firing_seconds": round(firing_seconds),
        "error_rate": error_rate,
        "requests_per_second": rps,
        "settings": settings,
    }

    if alert.get("status") == "resolved":
        return Verdict(True, "already resolved"), evidence

    window = covering_window(labels, now, params.get("maintenance_windows", []))
    if window is not None:
        evidence["maintenance_window"] = window
        return Verdict(True, f"inside a maintenance window: {window.get('reason', 'no reason given')}"), evidence

    if firing_seconds < settings["min_firing_seconds"]:
        return Verdict(
            True, f"firing for {firing_seconds:.0f}s, under {settings['min_firing_seconds']}s: a blip"
        ), evidence

    if rps is not None and rps < settings["min_requests_per_second"]:
        return Verdict(
            True, f"only {rps:g} req/s: too little traffic for an error ratio to mean anything"
        ), evidence

    if error_rate is None:
        # We cannot check what we cannot read: let it page.
        return Verdict(False, "no readable 'value' annotation; cannot verify, so not squelching"), evidence

    if error_rate < settings["error_rate_threshold"]:
        return Verdict(
            True, f"error rate {error_rate:.1%} is under the paging threshold {settings['error_rate_threshold']:.1%}"
        ), evidence

    return Verdict(
        False, f"error rate {error_rate:.1%} for {firing_seconds / 60:.0f} min: looks genuine"
    ), evidence


@wolfe.runbook
def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict[str, Any]:
    if len(events) != 1:
        raise wolfe.RunbookFailure(f"expected exactly one alert event, got {len(events)}")
    (event,) = events
    alert = event.payload
    if not isinstance(alert, dict) or "labels" not in alert:
        raise wolfe.RunbookFailure("payload is not an Alertmanager alert (no labels)")

    # Judge as of when Wolfe received the alert, not the wall clock, so a
    # retry or re-run reaches the same verdict.
    verdict, evidence = judge(alert, event.received_at, ctx.params)
    log.info(
        "squelched" if verdict.squelch else "not squelched",
        alertname=alert["labels"].get("alertname"),
        fingerprint=alert.get("fingerprint"),
        reason=verdict.reason,
    )
    return {
        "squelch": verdict.squelch,
        "reason": verdict.reason,
        "alertname": alert["labels"].get("alertname"),
        "fingerprint": alert.get("fingerprint"),
        "evidence": evidence,
    }
