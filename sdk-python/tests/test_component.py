"""wolfe._component against componentize-py's real generated bindings.

The bindings are generated from ../wit once per session. Outside a component
their import functions raise NotImplementedError, so each test replaces the
ones it needs with stubs that record their arguments and return (or raise)
what the test says, exactly as the host would through the canonical ABI.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import wolfe
from wolfe import discovery, events, http, instances, kv, log, metrics, notify, secrets
from wolfe.metrics import Sample

WIT_DIR = Path(__file__).resolve().parents[2] / "wit"
GENERATED_PREFIXES = ("wit_world", "componentize_py_types", "componentize_py_async_support", "poll_loop")


def componentize_py() -> str | None:
    beside_python = Path(sys.executable).with_name("componentize-py")
    return str(beside_python) if beside_python.exists() else shutil.which("componentize-py")


@pytest.fixture(scope="session")
def bindings_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tool = componentize_py()
    if tool is None or not WIT_DIR.is_dir():
        pytest.skip("needs componentize-py and ../wit")
    out = tmp_path_factory.mktemp("bindings")
    subprocess.run(
        [tool, "-d", str(WIT_DIR), "-w", "runbook", "bindings", str(out)], check=True, capture_output=True
    )
    return out


@dataclass
class Component:
    module: ModuleType
    monkeypatch: pytest.MonkeyPatch
    #: (interface.function, args) of every stubbed import called.
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def wit(self, interface: str) -> Any:
        return sys.modules[f"wit_world.imports.{interface}"]

    @property
    def Err(self) -> type[Exception]:
        return sys.modules["componentize_py_types"].Err  # type: ignore[no-any-return]

    def stub(self, interface: str, function: str, returns: Any = None, *, error: Any = None) -> None:
        """Make the import return `returns`, or raise Err(`error`)."""

        def imported(*args: Any) -> Any:
            self.calls.append((f"{interface}.{function}", args))
            if error is not None:
                raise self.Err(error)
            return returns

        self.monkeypatch.setattr(self.wit(interface), function, imported)

    @property
    def written(self) -> list[tuple[Any, ...]]:
        return [args for name, args in self.calls if name == "log.write"]

    def context(self, params: dict[str, Any] | None = None, dry_run: bool = False) -> Any:
        return self.wit("types").Context("exec-1", "rb", "team", "prod", 1, dry_run, json.dumps(params or {}))

    def event(self, payload: Any) -> Any:
        return self.wit("types").Event("evt-1", "atlas", "alert.firing", "2024-05-01T12:00:00Z", json.dumps(payload))


def _forget_generated() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in GENERATED_PREFIXES or name == "wolfe._component":
            del sys.modules[name]
    if hasattr(wolfe, "_component"):
        delattr(wolfe, "_component")


@pytest.fixture
def component(bindings_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Component]:
    _forget_generated()
    monkeypatch.syspath_prepend(str(bindings_dir))
    importlib.import_module("wit_world.imports.log")
    component = Component(module=None, monkeypatch=monkeypatch)  # type: ignore[arg-type]
    component.stub("log", "write")
    component.module = importlib.import_module("wolfe._component")
    yield component
    _forget_generated()


def effect(component: Component, simulated: bool = False) -> Any:
    return component.wit("common").Effect(simulated=simulated)


# The entry point.


def test_importing_installs_a_backend_that_forwards_to_wit_log(component: Component) -> None:
    wit_log = component.wit("log")
    log.warn("broker offline", broker_id=3, cluster="events")
    log.trace("t")
    assert component.written == [
        (wit_log.Level.WARN, "broker offline", [wit_log.Field("broker_id", "3"), wit_log.Field("cluster", '"events"')]),
        (wit_log.Level.TRACE, "t", []),
    ]


def test_handler_implements_the_exported_protocol(component: Component) -> None:
    # Protocols refuse issubclass() unless runtime-checkable; the MRO says it.
    assert sys.modules["wit_world.exports"].Handler in component.module.Handler.__mro__


def test_handle_returns_output_json(component: Component) -> None:
    @wolfe.runbook
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> Any:
        return {"dry_run": ctx.dry_run, "params": ctx.params, "payload": events[0].payload}

    out = component.module.Handler().handle(component.context({"x": 1}, dry_run=True), [component.event({"b": 3})])
    assert json.loads(out) == {"dry_run": True, "params": {"x": 1}, "payload": {"b": 3}}


def test_runbook_failure_becomes_err_failure(component: Component) -> None:
    @wolfe.runbook
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> None:
        raise wolfe.RunbookFailure("broker 3 still offline", detail="2 restarts")

    with pytest.raises(component.Err) as raised:
        component.module.Handler().handle(component.context(), [])
    failure = raised.value.value  # type: ignore[attr-defined]
    assert isinstance(failure, component.wit("types").Failure)
    assert (failure.message, failure.detail) == ("broker 3 still offline", "2 restarts")


def test_unexpected_exception_becomes_err_and_error_log(component: Component) -> None:
    @wolfe.runbook
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> None:
        empty: dict[str, int] = {}
        empty["nope"]

    with pytest.raises(component.Err) as raised:
        component.module.Handler().handle(component.context(), [])
    failure = raised.value.value  # type: ignore[attr-defined]
    assert failure.message == "KeyError: 'nope'"
    assert "Traceback" in failure.detail
    ((level, message, fields),) = component.written
    assert level == component.wit("log").Level.ERROR
    assert message == "unhandled KeyError: 'nope'"
    assert {f.key: json.loads(f.value_json) for f in fields}["traceback"] == failure.detail


def test_missing_handler_is_a_build_time_error(component: Component) -> None:
    with pytest.raises(RuntimeError, match="no function is marked with @wolfe.runbook"):
        component.module.ensure_registered()


def test_no_registered_handler_fails_clearly(component: Component) -> None:
    with pytest.raises(component.Err) as raised:
        component.module.Handler().handle(component.context(), [])
    assert raised.value.value.message == "no function is marked with @wolfe.runbook"  # type: ignore[attr-defined]


def test_generated_app_module_works(component: Component, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "checks.py").write_text(
        "import wolfe\n\n@wolfe.runbook\ndef handle(ctx, events):\n"
        "    wolfe.log.info('seen', n=len(events))\n    return {'ok': True}\n"
    )
    # Byte for byte what the build tool generates (entry module "checks").
    (tmp_path / "wolfe_app.py").write_text(
        "import checks  # noqa: F401  registers the @wolfe.runbook handler\n"
        "from wolfe._component import Handler, ensure_registered  # noqa: F401  Handler is exported\n"
        "\n"
        "ensure_registered()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("checks", "wolfe_app"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    app = importlib.import_module("wolfe_app")
    try:
        assert json.loads(app.Handler().handle(component.context(), [component.event({})])) == {"ok": True}
        assert [m for _, m, _ in component.written] == ["seen"]
    finally:
        sys.modules.pop("checks", None)
        sys.modules.pop("wolfe_app", None)


# Host errors.


@pytest.mark.parametrize(
    ("case", "raised"),
    [
        ("Error_Denied", wolfe.Denied),
        ("Error_Invalid", wolfe.InvalidArgument),
        ("Error_NotFound", wolfe.NotFound),
        ("Error_Unavailable", wolfe.Unavailable),
        ("Error_TooLarge", wolfe.TooLarge),
    ],
)
def test_each_wit_error_becomes_its_sdk_exception(
    component: Component, case: str, raised: type[wolfe.HostError]
) -> None:
    component.stub("secrets", "get", error=getattr(component.wit("common"), case)("no secret db"))
    with pytest.raises(raised) as info:
        secrets.get("db")
    assert (info.value.message, info.value.call) == ("no secret db", "secrets.get")
    assert str(info.value) == "secrets.get: no secret db"
    # The generated Err is not chained: runbook tracebacks show SDK types only.
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_an_unknown_error_case_is_unavailable(component: Component) -> None:
    component.stub("secrets", "get", error="something new")
    with pytest.raises(wolfe.Unavailable, match="unexpected host error 'something new'"):
        secrets.get("db")


def test_uncaught_host_error_fails_the_run_naming_kind_call_and_message(component: Component) -> None:
    component.stub("kv", "set", error=component.wit("common").Error_Denied("team scope not granted"))

    @wolfe.runbook
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> None:
        kv.set("owner", "me", scope="team")

    with pytest.raises(component.Err) as raised:
        component.module.Handler().handle(component.context(), [])
    assert raised.value.value.message == "Denied: kv.set: team scope not granted"  # type: ignore[attr-defined]


# Each interface's arguments and results cross the bindings' types.


def test_kv(component: Component) -> None:
    wit_kv = component.wit("kv")
    component.stub("kv", "get", "v")
    assert kv.get("k", scope="team") == "v"
    component.stub("kv", "set", effect(component, simulated=True))
    assert kv.set("k", "v", ttl=60) == wolfe.Effect(simulated=True)
    component.stub("kv", "delete", effect(component))
    assert kv.delete("k") == wolfe.Effect(simulated=False)
    component.stub("kv", "scan", [wit_kv.Entry("a1", "x"), wit_kv.Entry("a2", "y")])
    assert kv.scan("a", limit=5) == [kv.Entry("a1", "x"), kv.Entry("a2", "y")]
    component.stub("kv", "compare_and_set", wit_kv.Swap(swapped=True, simulated=False))
    assert kv.compare_and_set("lock", None, "me", ttl=30) == kv.Swap(swapped=True, simulated=False)
    assert component.calls == [
        ("kv.get", (wit_kv.Scope.TEAM, "k")),
        ("kv.set", (wit_kv.Scope.RUNBOOK, "k", "v", 60)),
        ("kv.delete", (wit_kv.Scope.RUNBOOK, "k")),
        ("kv.scan", (wit_kv.Scope.RUNBOOK, "a", 5)),
        ("kv.compare_and_set", (wit_kv.Scope.RUNBOOK, "lock", None, "me", 30)),
    ]


def test_http(component: Component) -> None:
    wit_http = component.wit("http")
    component.stub(
        "http",
        "send",
        wit_http.Response(
            status=201,
            headers=[wit_http.Header("Content-Type", "application/json"), wit_http.Header("Set-Cookie", "a")],
            body=b'{"ok": true}',
            simulated=False,
        ),
    )
    response = http.post("https://admin/restart", json={"broker": 3}, headers={"x-trace": "1"}, timeout=2.5)
    (name, (request,)), = component.calls
    assert request == wit_http.Request(
        method="POST",
        url="https://admin/restart",
        headers=[wit_http.Header("x-trace", "1"), wit_http.Header("content-type", "application/json")],
        body=b'{"broker":3}',
        timeout_ms=2500,
    )
    assert (response.status, response.json(), response.simulated) == (201, {"ok": True}, False)
    assert response.headers["content-type"] == "application/json"
    assert (response.method, response.url) == ("POST", "https://admin/restart")


def test_secrets(component: Component) -> None:
    component.stub("secrets", "get", "s3cr3t")
    assert secrets.get("db") == "s3cr3t"
    assert component.calls == [("secrets.get", ("db",))]


def test_metrics(component: Component) -> None:
    wit_metrics = component.wit("metrics")
    component.stub(
        "metrics",
        "query",
        [wit_metrics.Series(labels=[("host", "db-1")], samples=[wit_metrics.Sample(1714564800000, 91.5)])],
    )
    start = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    (series,) = metrics.query("atlas", "name,disk,:eq", start=start, end=1714568400000, step=60000)
    assert component.calls == [
        ("metrics.query", ("atlas", "name,disk,:eq", wit_metrics.Range(1714564800000, 1714568400000, 60000)))
    ]
    assert series == metrics.Series({"host": "db-1"}, [Sample(start, 91.5)])
    metrics.query("atlas", "q")
    assert component.calls[-1] == ("metrics.query", ("atlas", "q", None))


def test_instances(component: Component) -> None:
    wit_instances = component.wit("instances")
    found = [wit_instances.Instance("i-1", "running", "m5.large", "10.0.0.1", [("app", "kafka")])]
    component.stub("instances", "describe", found)
    component.stub("instances", "find", found)
    component.stub("instances", "reboot", effect(component))
    component.stub("instances", "terminate", effect(component, simulated=True))
    expected = [instances.Instance("i-1", "running", "m5.large", "10.0.0.1", {"app": "kafka"})]
    assert instances.describe("i-1") == expected
    assert instances.find({"app": "kafka"}, env="prod") == expected
    assert instances.reboot("i-1") == wolfe.Effect(False)
    assert instances.terminate("i-1") == wolfe.Effect(True)
    assert component.calls == [
        ("instances.describe", (["i-1"],)),
        ("instances.find", ([("app", "kafka"), ("env", "prod")],)),
        ("instances.reboot", ("i-1",)),
        ("instances.terminate", ("i-1",)),
    ]


def test_discovery(component: Component) -> None:
    wit_discovery = component.wit("discovery")
    component.stub(
        "discovery", "instances", [wit_discovery.Instance("i-1", "KAFKA", "kafka-1", "10.0.0.1", "UP", None)]
    )
    component.stub("discovery", "set_status", effect(component))
    assert discovery.instances("KAFKA") == [discovery.DiscoveryInstance("i-1", "KAFKA", "kafka-1", "10.0.0.1", "UP")]
    discovery.mark_out_of_service("KAFKA", "i-1")
    discovery.mark_up("KAFKA", "i-1")
    assert component.calls[1:] == [
        ("discovery.set_status", ("KAFKA", "i-1", wit_discovery.Status.OUT_OF_SERVICE)),
        ("discovery.set_status", ("KAFKA", "i-1", wit_discovery.Status.UP)),
    ]


def test_notify(component: Component) -> None:
    wit_notify = component.wit("notify")
    component.stub("notify", "email", effect(component))
    component.stub("notify", "chat", effect(component))
    component.stub("notify", "page_trigger", wit_notify.Paged(dedup_key="k-1", simulated=False))
    component.stub("notify", "page_resolve", effect(component))
    notify.email("ops", "subject", "body")
    notify.chat("alerts", "hello")
    paged = notify.page("oncall", "broker down", source="kafka-3", severity="critical", details={"b": 3})
    notify.resolve("oncall", paged.dedup_key)
    assert paged == notify.Paged("k-1", False)
    assert component.calls == [
        ("notify.email", ("ops", "subject", "body")),
        ("notify.chat", ("alerts", "hello")),
        (
            "notify.page_trigger",
            ("oncall", wit_notify.Page("broker down", wit_notify.Severity.CRITICAL, "kafka-3", None, '{"b":3}')),
        ),
        ("notify.page_resolve", ("oncall", "k-1")),
    ]


def test_events(component: Component) -> None:
    component.stub("events", "emit", component.wit("events").Emitted(id="evt-9", simulated=False))
    assert events.emit("broker.restarted", {"broker": 3}) == events.Emitted("evt-9", False)
    assert component.calls == [("events.emit", ("broker.restarted", '{"broker":3}'))]
