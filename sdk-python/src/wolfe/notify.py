"""Telling people: email, chat and paging. Targets are names configured by
the platform team and granted per runbook.

    from wolfe import notify

    notify.chat("streaming-alerts", f"restarted broker {broker_id}")
    paged = notify.page("streaming-oncall", "broker 3 offline after 2 restarts",
                        source="kafka-events-3", severity="critical",
                        details={"cluster": "events"})
    ...
    notify.resolve("streaming-oncall", paged.dedup_key)

In dry-run mode nothing is sent: receipts say `simulated=True`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wolfe import _args, _host
from wolfe._effect import Effect
from wolfe._host import Severity

__all__ = ["Effect", "Paged", "Severity", "chat", "email", "page", "resolve"]

SEVERITIES: tuple[Severity, ...] = ("critical", "error", "warning", "info")


@dataclass(frozen=True)
class Paged:
    #: Resolve the incident with this key.
    dedup_key: str
    simulated: bool = False


def email(target: str, subject: str, body: str) -> Effect:
    call = "notify.email"
    target = _args.text(call, "target", target)
    subject = _args.text(call, "subject", subject)
    body = _args.text(call, "body", body)
    return _host.invoke(call, lambda host: host.notify_email(target, subject, body))


def chat(target: str, text: str) -> Effect:
    call = "notify.chat"
    target = _args.text(call, "target", target)
    text = _args.text(call, "text", text)
    return _host.invoke(call, lambda host: host.notify_chat(target, text))


def page(
    target: str,
    summary: str,
    *,
    source: str,
    severity: Severity = "error",
    dedup_key: str | None = None,
    details: Any = None,
) -> Paged:
    """Trigger a page. `source` is the affected system (a host, a cluster);
    without `dedup_key` the host derives one. `details` is any JSON value.
    Keep the returned `dedup_key` to `resolve` the page."""
    call = "notify.page_trigger"
    target = _args.text(call, "target", target)
    summary = _args.text(call, "summary", summary)
    source = _args.text(call, "source", source)
    severity = _args.choice(call, "severity", severity, SEVERITIES)
    if dedup_key is not None:
        dedup_key = _args.text(call, "dedup_key", dedup_key)
    details_json = None if details is None else _args.to_json(call, "details", details)
    key = dedup_key
    return _host.invoke(
        call,
        lambda host: host.notify_page_trigger(target, summary, severity, source, key, details_json),
    )


def resolve(target: str, dedup_key: str) -> Effect:
    """Resolve the page `page` returned `dedup_key` for."""
    call = "notify.page_resolve"
    target = _args.text(call, "target", target)
    dedup_key = _args.text(call, "dedup_key", dedup_key)
    return _host.invoke(call, lambda host: host.notify_page_resolve(target, dedup_key))
