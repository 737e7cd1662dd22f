"""wolfe._component against stand-ins for componentize-py's generated bindings.

The real `wit_world` only exists inside a component build, so these fakes
mirror the generated names exactly; `test_fakes_match_generated_bindings`
checks that against freshly generated bindings when componentize-py is around.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import os
import shutil
import subprocess
import sys
from abc import abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, Optional, Protocol, TypeVar

import pytest

import wolfe
from wolfe import log

WIT_DIR = Path(__file__).resolve().parents[2] / "wit"


def make_fake_bindings(written: list[tuple[Any, str, list[Any]]]) -> dict[str, ModuleType]:
    E = TypeVar("E")

    @dataclass(frozen=True)
    class Err(Generic[E], Exception):
        value: E

    @dataclass
    class Context:
        execution_id: str
        runbook: str
        team: str
        environment: str
        attempt: int
        dry_run: bool
        params_json: str

    @dataclass
    class Event:
        id: str
        source: str
        kind: str
        received_at: str
        payload_json: str

    @dataclass
    class Failure:
        message: str
        detail: Optional[str]

    class Level(enum.Enum):
        TRACE = 0
        DEBUG = 1
        INFO = 2
        WARN = 3
        ERROR = 4

    @dataclass
    class Field:
        key: str
        value_json: str

    def write(level: Level, message: str, fields: list[Field]) -> None:
        written.append((level, message, fields))

    class Handler(Protocol):
        @abstractmethod
        def handle(self, ctx: Context, events: list[Event]) -> str:
            raise NotImplementedError

    def module(name: str, **attrs: Any) -> ModuleType:
        mod = ModuleType(name)
        mod.__dict__.update(attrs)
        return mod

    # Like real packages, parents do not expose submodules as attributes until
    # imported, so `import wit_world` alone would not give `wit_world.exports`.
    return {
        "componentize_py_types": module("componentize_py_types", Err=Err),
        "wit_world": module("wit_world", __path__=[]),
        "wit_world.imports": module("wit_world.imports", __path__=[]),
        "wit_world.imports.types": module(
            "wit_world.imports.types", Context=Context, Event=Event, Failure=Failure
        ),
        "wit_world.imports.log": module("wit_world.imports.log", Level=Level, Field=Field, write=write),
        "wit_world.exports": module("wit_world.exports", Handler=Handler),
    }


@dataclass
class Component:
    module: ModuleType
    bindings: dict[str, ModuleType]
    written: list[tuple[Any, str, list[Any]]]

    def context(self, params: dict[str, Any] | None = None, dry_run: bool = False) -> Any:
        Context = self.bindings["wit_world.imports.types"].Context
        return Context("exec-1", "rb", "team", "prod", 1, dry_run, json.dumps(params or {}))

    def event(self, payload: Any) -> Any:
        Event = self.bindings["wit_world.imports.types"].Event
        return Event("evt-1", "atlas", "alert.firing", "2024-05-01T12:00:00Z", json.dumps(payload))

    @property
    def Err(self) -> type[Exception]:
        return self.bindings["componentize_py_types"].Err  # type: ignore[no-any-return]


@pytest.fixture
def component(monkeypatch: pytest.MonkeyPatch) -> Iterator[Component]:
    written: list[tuple[Any, str, list[Any]]] = []
    bindings = make_fake_bindings(written)
    for name, mod in bindings.items():
        monkeypatch.setitem(sys.modules, name, mod)
    monkeypatch.delitem(sys.modules, "wolfe._component", raising=False)
    yield Component(importlib.import_module("wolfe._component"), bindings, written)
    sys.modules.pop("wolfe._component", None)
    if hasattr(wolfe, "_component"):
        delattr(wolfe, "_component")


def test_importing_installs_a_backend_that_forwards_to_wit_log(component: Component) -> None:
    wit_log = component.bindings["wit_world.imports.log"]
    log.warn("broker offline", broker_id=3, cluster="events")
    log.trace("t")
    assert component.written == [
        (wit_log.Level.WARN, "broker offline", [wit_log.Field("broker_id", "3"), wit_log.Field("cluster", '"events"')]),
        (wit_log.Level.TRACE, "t", []),
    ]


def test_handler_implements_the_exported_protocol(component: Component) -> None:
    # Protocols refuse issubclass() unless runtime-checkable; the MRO says it.
    assert component.bindings["wit_world.exports"].Handler in component.module.Handler.__mro__


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
    assert isinstance(failure, component.bindings["wit_world.imports.types"].Failure)
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
    assert level == component.bindings["wit_world.imports.log"].Level.ERROR
    assert message == "unhandled KeyError: 'nope'"
    assert {f.key: json.loads(f.value_json) for f in fields}["traceback"] == failure.detail


def test_missing_handler_is_a_build_time_error(component: Component) -> None:
    with pytest.raises(RuntimeError, match="no function is marked with @wolfe.runbook"):
        component.module.ensure_registered()


def test_no_registered_handler_fails_clearly(component: Component) -> None:
    with pytest.raises(component.Err) as raised:
        component.module.Handler().handle(component.context(), [])
    assert raised.value.value.message == "no function is marked with @wolfe.runbook"  # type: ignore[attr-defined]


def test_generated_app_module_works(
    component: Component, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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


DESCRIBE = """
import dataclasses, inspect, json
import componentize_py_types
from wit_world import exports
from wit_world.imports import log, types

def fields(cls):
    return [f.name for f in dataclasses.fields(cls)]

print(json.dumps({
    "Err": [issubclass(componentize_py_types.Err, Exception), fields(componentize_py_types.Err)],
    "Context": fields(types.Context),
    "Event": fields(types.Event),
    "Failure": fields(types.Failure),
    "Level": [(m.name, m.value) for m in log.Level],
    "Field": fields(log.Field),
    "write": list(inspect.signature(log.write).parameters),
    "handle": list(inspect.signature(exports.Handler.handle).parameters),
}))
"""


def componentize_py() -> str | None:
    beside_python = Path(sys.executable).with_name("componentize-py")
    return str(beside_python) if beside_python.exists() else shutil.which("componentize-py")


@pytest.mark.skipif(componentize_py() is None or not WIT_DIR.is_dir(), reason="needs componentize-py and ../wit")
def test_fakes_match_generated_bindings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subprocess.run(
        [componentize_py(), "-d", str(WIT_DIR), "-w", "runbook", "bindings", str(tmp_path)],  # type: ignore[list-item]
        check=True,
        capture_output=True,
    )
    real = subprocess.run(
        [sys.executable, "-c", DESCRIBE],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    for name, mod in make_fake_bindings([]).items():
        monkeypatch.setitem(sys.modules, name, mod)
    import contextlib
    import io

    fake = io.StringIO()
    with contextlib.redirect_stdout(fake):
        exec(DESCRIBE, {})
    assert json.loads(fake.getvalue()) == json.loads(real)
