"""Performs each host call `ctx.params["calls"]` lists, through the SDK, and
reports every outcome. The protocol is in ../README.md; api-probe-rust
answers the same calls with the same JSON.
"""

from datetime import timedelta
from typing import Any, Callable

import wolfe
from wolfe import discovery, effects, events, http, instances, kv, metrics, notify, secrets


def effect(receipt: Any) -> dict[str, Any]:
    return {"simulated": receipt.simulated}


def ec2_instance(i: instances.Instance) -> dict[str, Any]:
    return {
        "id": i.id,
        "state": i.state,
        "instance_type": i.instance_type,
        "private_ip": i.private_ip,
        "tags": i.tags,
    }


def finite(value: float) -> float | None:
    # serde_json writes NaN and infinities as null; so do we.
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def kv_compare_and_set(a: dict[str, Any]) -> Any:
    swap = kv.compare_and_set(a["key"], a["expected"], a["value"], scope=a["scope"], ttl=a["ttl_seconds"])
    return {"swapped": swap.swapped, "simulated": swap.simulated}


def http_send(a: dict[str, Any]) -> Any:
    timeout = None if a["timeout_ms"] is None else timedelta(milliseconds=a["timeout_ms"])
    response = http.request(
        a["method"], a["url"], headers=[tuple(h) for h in a["headers"]], body=a["body"], timeout=timeout
    )
    return {
        "status": response.status,
        "headers": [list(pair) for pair in response.headers.pairs],
        "body": response.text,
        "simulated": response.simulated,
    }


def metrics_query(a: dict[str, Any]) -> Any:
    r = a["range"]
    found = (
        metrics.query(a["backend"], a["query"])
        if r is None
        else metrics.query(a["backend"], a["query"], start=r["start_ms"], end=r["end_ms"], step=r["step_ms"])
    )
    return [
        {"labels": s.labels, "samples": [[x.timestamp_ms, finite(x.value)] for x in s.samples]} for s in found
    ]


def discovery_instances(a: dict[str, Any]) -> Any:
    return [
        {"id": i.id, "app": i.app, "host_name": i.host_name, "ip_addr": i.ip_addr, "status": i.status, "port": i.port}
        for i in discovery.instances(a["app"])
    ]


def notify_page_trigger(a: dict[str, Any]) -> Any:
    paged = notify.page(
        a["target"],
        a["summary"],
        source=a["source"],
        severity=a["severity"],
        dedup_key=a["dedup_key"],
        details=a["details"],
    )
    return {"dedup_key": paged.dedup_key, "simulated": paged.simulated}


def events_emit(a: dict[str, Any]) -> Any:
    emitted = events.emit(a["kind"], a["payload"])
    return {"id": emitted.id, "simulated": emitted.simulated}


def effects_set_idempotency_key(a: dict[str, Any]) -> None:
    effects.set_idempotency_key(a["key"], ttl=a["ttl_seconds"])


def log_info(a: dict[str, Any]) -> None:
    """Logs the message through the log interface and prints it to stdout."""
    wolfe.log.info(a["message"], echo=a["message"])
    print(a["message"])


OPS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "kv.get": lambda a: kv.get(a["key"], scope=a["scope"]),
    "kv.set": lambda a: effect(kv.set(a["key"], a["value"], scope=a["scope"], ttl=a["ttl_seconds"])),
    "kv.delete": lambda a: effect(kv.delete(a["key"], scope=a["scope"])),
    "kv.scan": lambda a: [
        {"key": e.key, "value": e.value} for e in kv.scan(a["prefix"], scope=a["scope"], limit=a["limit"])
    ],
    "kv.compare_and_set": kv_compare_and_set,
    "http.send": http_send,
    "secrets.get": lambda a: secrets.get(a["name"]),
    "metrics.query": metrics_query,
    "instances.describe": lambda a: [ec2_instance(i) for i in instances.describe(a["ids"])],
    "instances.find": lambda a: [ec2_instance(i) for i in instances.find(dict(a["tags"]))],
    "instances.reboot": lambda a: effect(instances.reboot(a["id"])),
    "instances.terminate": lambda a: effect(instances.terminate(a["id"])),
    "discovery.instances": discovery_instances,
    "discovery.set_status": lambda a: effect(discovery.set_status(a["app"], a["instance_id"], a["status"])),
    "notify.email": lambda a: effect(notify.email(a["target"], a["subject"], a["body"])),
    "notify.chat": lambda a: effect(notify.chat(a["target"], a["text"])),
    "notify.page_trigger": notify_page_trigger,
    "notify.page_resolve": lambda a: effect(notify.resolve(a["target"], a["dedup_key"])),
    "events.emit": events_emit,
    "effects.set_idempotency_key": effects_set_idempotency_key,
    "effects.clear_idempotency_key": lambda a: effects.clear_idempotency_key(),
    "log.info": log_info,
}


def perform(call: Any) -> dict[str, Any]:
    try:
        op, args = call["op"], call.get("args", {})
        run = OPS[op]
    except (KeyError, TypeError, AttributeError):
        return {"error": {"kind": "probe", "message": f"not a known call: {call!r}"}}
    try:
        return {"ok": run(args)}
    except wolfe.HostError as error:
        return {"error": {"kind": error.kind, "message": error.message}}
    except (KeyError, TypeError, ValueError) as error:
        return {"error": {"kind": "probe", "message": f"{op}: bad args: {type(error).__name__}: {error}"}}


def sorted_keys(value: Any) -> Any:
    """Objects with sorted keys, as serde_json writes them in the Rust probe."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


@wolfe.runbook
def handle(ctx: wolfe.Context, evts: list[wolfe.Event]) -> dict[str, Any]:
    calls = ctx.params.get("calls", [])
    if not isinstance(calls, list):
        raise wolfe.RunbookFailure('params["calls"] must be a list of {"op": ..., "args": {...}}')
    return sorted_keys({"results": [perform(call) for call in calls]})
