"""Unit-test runbooks with plain CPython and pytest, no component needed.

    from wolfe.testing import FakeHost, event, run

    def test_restarts_broker():
        host = FakeHost()
        host.http.respond("POST", "https://admin/brokers/3/restart", status=202)
        result = run(handle, [event({"cluster": "events", "broker_id": 3})], host=host)
        assert result.succeeded
        assert result.output["action"] == "restart_broker"
        assert host.http.requests[0].url.endswith("/restart")
"""

from wolfe._dispatch import Failure
from wolfe.discovery import DiscoveryInstance
from wolfe.http import Headers, Response
from wolfe.instances import Instance
from wolfe.metrics import Sample, Series
from wolfe.testing._events import event, load_event
from wolfe.testing._fake_discovery import FakeDiscovery
from wolfe.testing._fake_effects import FakeEffects, KeyDone, KeySet
from wolfe.testing._fake_events import EmittedEvent, FakeEvents
from wolfe.testing._fake_host import Call, FakeHost, LogRecord
from wolfe.testing._fake_http import FakeHttp, RecordedRequest
from wolfe.testing._fake_instances import FakeInstances
from wolfe.testing._fake_kv import FakeKv
from wolfe.testing._fake_metrics import FakeMetrics, RecordedQuery
from wolfe.testing._fake_notify import Chat, Email, FakeNotify, Page, Resolve
from wolfe.testing._load import load_runbook
from wolfe.testing._run import RunResult, run

__all__ = [
    "Call",
    "Chat",
    "DiscoveryInstance",
    "Email",
    "EmittedEvent",
    "Failure",
    "FakeDiscovery",
    "FakeEffects",
    "FakeEvents",
    "FakeHost",
    "FakeHttp",
    "FakeInstances",
    "FakeKv",
    "FakeMetrics",
    "FakeNotify",
    "Headers",
    "Instance",
    "KeyDone",
    "KeySet",
    "LogRecord",
    "Page",
    "RecordedQuery",
    "RecordedRequest",
    "Resolve",
    "Response",
    "RunResult",
    "Sample",
    "Series",
    "event",
    "load_event",
    "load_runbook",
    "run",
]
