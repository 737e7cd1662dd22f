import json
import math
from datetime import datetime, timezone

import pytest

from wolfe import _host, log
from wolfe.testing import FakeHost


class RawBackend:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, list[tuple[str, str]]]] = []

    def log_write(self, level: _host.LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        self.calls.append((level, message, fields))


@pytest.mark.parametrize("level", _host.LOG_LEVELS)
def test_each_level_reaches_the_backend(level: _host.LogLevel) -> None:
    raw = RawBackend()
    _host.install(raw)
    getattr(log, level)("hello")
    assert raw.calls == [(level, "hello", [])]


def test_fields_are_sent_as_json_pairs_in_order() -> None:
    raw = RawBackend()
    _host.install(raw)
    log.info("broker offline", broker_id=3, cluster="events", ok=True, missing=None, urp=[1, 2])
    assert raw.calls == [
        (
            "info",
            "broker offline",
            [
                ("broker_id", "3"),
                ("cluster", '"events"'),
                ("ok", "true"),
                ("missing", "null"),
                ("urp", "[1, 2]"),
            ],
        )
    ]


def test_non_serialisable_values_fall_back_to_str(host: FakeHost) -> None:
    when = datetime(2024, 5, 1, tzinfo=timezone.utc)
    log.warn(
        "odd values",
        when=when,
        nested={"at": when},
        nan=math.nan,
        tuple_keys={(1, 2): "x"},
        custom=object.__new__(type("Thing", (), {"__str__": lambda self: "a thing"})),
    )
    (record,) = host.logs
    assert record.fields == {
        "when": str(when),
        "nested": {"at": str(when)},  # default=str keeps the structure
        "nan": "nan",
        "tuple_keys": "{(1, 2): 'x'}",
        "custom": "a thing",
    }


def test_encoded_fields_are_always_valid_json() -> None:
    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("no")

    encoded = log.encode_field(Unprintable())
    assert json.loads(encoded).startswith("<")


def test_default_backend_prints_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    _host.install(_host.StderrBackend())
    log.error("disk full", path="/var")
    assert capsys.readouterr().err == '[error] disk full path="/var"\n'
