"""testkit/guests/api-probe-py through the FakeHost: every op of the probe
protocol (testkit/guests/README.md) and its JSON shape."""

import json
from pathlib import Path
from typing import Any

import wolfe
from wolfe.testing import DiscoveryInstance, FakeHost, Instance, load_runbook, run

PROBE = Path(__file__).resolve().parents[2] / "testkit" / "guests" / "api-probe-py" / "main.py"


def probe(calls: list[dict[str, Any]], host: FakeHost, dry_run: bool = False) -> list[Any]:
    result = run(load_runbook(PROBE).handle, params={"calls": calls}, host=host, dry_run=dry_run)
    assert result.succeeded, result.failure
    # Keys come out sorted, as serde_json writes them in the Rust probe.
    assert result.output_json == json.dumps(result.output, sort_keys=True)
    return result.output["results"]  # type: ignore[no-any-return]


def test_every_op_and_its_result_shape() -> None:
    host = FakeHost(secrets={"db": "s3cr3t"})
    host.http.respond("POST", "http://svc/x", status=201, headers=[("X-A", "1")], body="héllo")
    host.metrics.respond("atlas", "q", [({"b": "2", "a": "1"}, [(1000, 1.5), (2000, float("nan"))])])
    host.instances.add(Instance("i-1", "running", "m5.large", None, {"app": "kafka"}))
    host.discovery.add(DiscoveryInstance("i-1", "KAFKA", "kafka-1", "10.0.0.1", "UP", 9092))
    calls = [
        {"op": "kv.set", "args": {"scope": "runbook", "key": "a", "value": "1", "ttl_seconds": None}},
        {"op": "kv.get", "args": {"scope": "runbook", "key": "a"}},
        {"op": "kv.scan", "args": {"scope": "runbook", "prefix": "", "limit": 10}},
        {"op": "kv.compare_and_set", "args": {"scope": "team", "key": "l", "expected": None, "value": "me", "ttl_seconds": 30}},
        {"op": "kv.delete", "args": {"scope": "runbook", "key": "a"}},
        {"op": "http.send", "args": {"method": "post", "url": "http://svc/x", "headers": [["h", "v"]], "body": "hi", "timeout_ms": 1234}},
        {"op": "secrets.get", "args": {"name": "db"}},
        {"op": "metrics.query", "args": {"backend": "atlas", "query": "q", "range": {"start_ms": 0, "end_ms": 3000, "step_ms": 1000}}},
        {"op": "instances.describe", "args": {"ids": ["i-1"]}},
        {"op": "instances.find", "args": {"tags": [["app", "kafka"]]}},
        {"op": "instances.reboot", "args": {"id": "i-1"}},
        {"op": "instances.terminate", "args": {"id": "i-1"}},
        {"op": "discovery.instances", "args": {"app": "KAFKA"}},
        {"op": "discovery.set_status", "args": {"app": "KAFKA", "instance_id": "i-1", "status": "OUT_OF_SERVICE"}},
        {"op": "notify.email", "args": {"target": "ops", "subject": "s", "body": "b"}},
        {"op": "notify.chat", "args": {"target": "ops", "text": "t"}},
        {"op": "notify.page_trigger", "args": {"target": "oncall", "summary": "s", "severity": "critical", "source": "h", "dedup_key": "k", "details": {"n": 1}}},
        {"op": "notify.page_resolve", "args": {"target": "oncall", "dedup_key": "k"}},
        {"op": "events.emit", "args": {"kind": "x.y", "payload": {"n": 1}}},
        {"op": "effects.set_idempotency_key", "args": {"key": "incident-42", "ttl_seconds": 60}},
        {"op": "effects.clear_idempotency_key", "args": {}},
    ]
    instance = {"id": "i-1", "instance_type": "m5.large", "private_ip": None, "state": "running", "tags": {"app": "kafka"}}
    effect = {"ok": {"simulated": False}}
    assert probe(calls, host) == [
        effect,
        {"ok": "1"},
        {"ok": [{"key": "a", "value": "1"}]},
        {"ok": {"simulated": False, "swapped": True}},
        effect,
        {"ok": {"body": "héllo", "headers": [["X-A", "1"]], "simulated": False, "status": 201}},
        {"ok": "s3cr3t"},
        {"ok": [{"labels": {"a": "1", "b": "2"}, "samples": [[1000, 1.5], [2000, None]]}]},
        {"ok": [instance]},
        {"ok": [instance]},
        effect,
        effect,
        {"ok": [{"app": "KAFKA", "host_name": "kafka-1", "id": "i-1", "ip_addr": "10.0.0.1", "port": 9092, "status": "UP"}]},
        effect,
        effect,
        effect,
        {"ok": {"dedup_key": "k", "simulated": False}},
        effect,
        {"ok": {"id": "event-1", "simulated": False}},
        {"ok": None},
        {"ok": None},
    ]
    assert [c.name for c in host.calls] == [c["op"] for c in calls]
    sent = host.http.requests[0]
    assert (sent.method, sent.body, sent.timeout_ms, sent.headers.pairs) == ("POST", b"hi", 1234, [("h", "v")])
    assert host.calls_to("metrics.query")[0].args["range"] == (0, 3000, 1000)
    assert host.calls_to("notify.page_trigger")[0].args["details_json"] == '{"n":1}'


def test_errors_are_reported_and_the_probe_carries_on() -> None:
    host = FakeHost()
    host.fail("kv.set", wolfe.Denied("team scope not granted"))
    host.fail("notify", wolfe.TooLarge("body over 64 KiB"))
    results = probe(
        [
            {"op": "kv.set", "args": {"scope": "team", "key": "a", "value": "1", "ttl_seconds": None}},
            {"op": "secrets.get", "args": {"name": "nope"}},
            {"op": "notify.chat", "args": {"target": "ops", "text": "t"}},
            {"op": "http.send", "args": {"method": "GET", "url": "http://nowhere/", "headers": [], "body": None, "timeout_ms": None}},
            {"op": "kv.get", "args": {"scope": "runbook", "key": "a"}},
            {"op": "no.such.op", "args": {}},
            {"op": "kv.get", "args": {"scope": "runbook"}},
        ],
        host,
    )
    assert results[:5] == [
        {"error": {"kind": "denied", "message": "team scope not granted"}},
        {"error": {"kind": "not_found", "message": "no secret named 'nope'"}},
        {"error": {"kind": "too_large", "message": "body over 64 KiB"}},
        {"error": {"kind": "unavailable", "message": results[3]["error"]["message"]}},
        {"ok": None},
    ]
    assert [r["error"]["kind"] for r in results[5:]] == ["probe", "probe"]


def test_a_key_covers_the_next_side_effect_across_runs() -> None:
    host = FakeHost()
    calls = [
        {"op": "effects.set_idempotency_key", "args": {"key": "incident-42", "ttl_seconds": None}},
        {"op": "kv.get", "args": {"scope": "runbook", "key": "a"}},
        {"op": "events.emit", "args": {"kind": "x", "payload": 1}},
        {"op": "events.emit", "args": {"kind": "x", "payload": 2}},
    ]
    first, second = probe(calls, host), probe(calls, host)
    assert first[2:] == [{"ok": {"id": "event-1", "simulated": False}}, {"ok": {"id": "event-2", "simulated": False}}]
    assert second[2:] == [{"ok": {"id": "event-1", "simulated": False}}, {"ok": {"id": "event-3", "simulated": False}}]
    bad = probe([{"op": "effects.set_idempotency_key", "args": {"key": "", "ttl_seconds": None}}], host)
    assert bad == [{"error": {"kind": "invalid", "message": "idempotency key must not be empty"}}]


def test_dry_run_results_are_simulated() -> None:
    results = probe(
        [
            {"op": "kv.set", "args": {"scope": "runbook", "key": "a", "value": "1", "ttl_seconds": 5}},
            {"op": "events.emit", "args": {"kind": "x", "payload": None}},
        ],
        FakeHost(),
        dry_run=True,
    )
    assert results == [{"ok": {"simulated": True}}, {"ok": {"id": "", "simulated": True}}]
