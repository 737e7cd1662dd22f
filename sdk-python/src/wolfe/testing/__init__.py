"""Unit-test runbooks with plain CPython and pytest, no component needed.

    from wolfe.testing import event, run

    def test_restarts_broker():
        result = run(handle, [event({"cluster": "events", "broker_id": 3})])
        assert result.succeeded
        assert result.output["action"] == "restart_broker"
"""

from wolfe._dispatch import Failure
from wolfe.testing._events import event, load_event
from wolfe.testing._fake_host import FakeHost, LogRecord
from wolfe.testing._load import load_runbook
from wolfe.testing._run import RunResult, run

__all__ = [
    "Failure",
    "FakeHost",
    "LogRecord",
    "RunResult",
    "event",
    "load_event",
    "load_runbook",
    "run",
]
