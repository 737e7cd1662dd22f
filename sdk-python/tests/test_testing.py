import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import wolfe
from wolfe import _registry
from wolfe.testing import event, load_event, load_runbook, run


def test_event_defaults() -> None:
    before = datetime.now(timezone.utc)
    built = event({"a": 1})
    assert (built.source, built.kind, built.payload) == ("manual", "manual", {"a": 1})
    assert built.id  # a fresh unique id
    assert built.id != event({}).id
    assert before <= built.received_at <= datetime.now(timezone.utc)


def test_event_accepts_string_or_aware_datetime_but_not_naive() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert event({}, received_at="2024-05-01T12:00:00Z").received_at == datetime(
        2024, 5, 1, 12, tzinfo=timezone.utc
    )
    assert event({}, received_at=datetime(2024, 5, 1, tzinfo=plus2)).received_at.tzinfo == plus2
    with pytest.raises(ValueError, match="timezone-aware"):
        event({}, received_at=datetime(2024, 5, 1))


def test_load_event_reads_a_sample_file(tmp_path: Path) -> None:
    sample = tmp_path / "alert.json"
    sample.write_text(json.dumps({"source": "atlas", "kind": "alert.firing", "payload": {"x": 1}}))
    loaded = load_event(sample, id="e1")
    assert (loaded.id, loaded.source, loaded.kind, loaded.payload) == ("e1", "atlas", "alert.firing", {"x": 1})

    sample.write_text(json.dumps({"payload": {}}))
    with pytest.raises(ValueError, match="lacks source, kind"):
        load_event(sample)


def write_runbook(directory: Path, answer: str) -> Path:
    directory.mkdir()
    (directory / "helper.py").write_text(f"ANSWER = {answer!r}\n")
    (directory / "main.py").write_text(
        "import wolfe\n"
        "from helper import ANSWER\n"
        "@wolfe.runbook\n"
        "def handle(ctx, events):\n"
        "    return ANSWER\n"
    )
    return directory / "main.py"


def test_load_runbook_keeps_same_named_runbooks_apart(tmp_path: Path) -> None:
    first = load_runbook(write_runbook(tmp_path / "one", "one"))
    # Each registration is isolated: no "already registered" error, no leak.
    sys.modules.pop("helper")  # sibling modules are shared, as with any import
    second = load_runbook(write_runbook(tmp_path / "two", "two"))
    assert _registry.registered() is None
    assert run(first.handle).output == "one"
    assert run(second.handle).output == "two"
    assert str(tmp_path / "one") not in sys.path
    assert load_runbook(tmp_path / "one" / "main.py") is first  # cached


def test_load_runbook_requires_a_handler(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("import wolfe\n\ndef handle(ctx, events):\n    return 1\n")
    with pytest.raises(LookupError, match="no function is marked with @wolfe.runbook"):
        load_runbook(tmp_path / "main.py")
    # A failed load leaves nothing behind, so a fixed file can be loaded.
    (tmp_path / "main.py").write_text("import wolfe\n\n@wolfe.runbook\ndef handle(ctx, events):\n    return 2\n")
    assert run(load_runbook(tmp_path / "main.py").handle).output == 2


def test_runbook_decorated_handler_runs_through_testing() -> None:
    @wolfe.runbook
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict[str, int]:
        wolfe.log.debug("counting", n=len(events))
        return {"events": len(events)}

    result = run(handle, [event({}), event({})])
    assert result.output == {"events": 2}
    assert [(r.level, r.message, r.fields) for r in result.logs] == [("debug", "counting", {"n": 2})]
