from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wolfe._host import LogLevel


@dataclass(frozen=True)
class LogRecord:
    level: LogLevel
    message: str
    #: Field values decoded back from JSON, i.e. what the host will store.
    fields: dict[str, Any]


class FakeHost:
    """A host backend that records every call, for assertions in tests."""

    def __init__(self) -> None:
        self.logs: list[LogRecord] = []

    def log_write(self, level: LogLevel, message: str, fields: list[tuple[str, str]]) -> None:
        # json.loads doubles as a check that the SDK sent valid JSON.
        decoded = {key: json.loads(value_json) for key, value_json in fields}
        self.logs.append(LogRecord(level, message, decoded))
