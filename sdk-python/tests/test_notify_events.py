import pytest

import wolfe
from wolfe import events, notify
from wolfe.testing import Chat, Email, EmittedEvent, FakeHost, Page, Resolve, run


def test_email_and_chat_are_recorded(host: FakeHost) -> None:
    assert notify.email("ops", "broker 3", "restarted") == wolfe.Effect(simulated=False)
    notify.chat("alerts", "restarted broker 3")
    assert host.notify.emails == [Email("ops", "broker 3", "restarted", False)]
    assert host.notify.chats == [Chat("alerts", "restarted broker 3", False)]


def test_page_returns_dedup_key_to_resolve_with(host: FakeHost) -> None:
    paged = notify.page("oncall", "broker 3 offline", source="kafka-3", severity="critical", details={"restarts": 2})
    assert paged == notify.Paged(dedup_key="kafka-3/broker 3 offline", simulated=False)
    notify.resolve("oncall", paged.dedup_key)
    assert host.notify.pages == [
        Page("oncall", "broker 3 offline", "critical", "kafka-3", paged.dedup_key, {"restarts": 2}, False)
    ]
    assert host.notify.resolved == [Resolve("oncall", paged.dedup_key, False)]
    assert host.calls_to("notify.page_trigger")[0].args["details_json"] == '{"restarts":2}'


def test_page_with_own_dedup_key_and_default_severity(host: FakeHost) -> None:
    assert notify.page("oncall", "s", source="x", dedup_key="mine").dedup_key == "mine"
    assert host.notify.pages[0].severity == "error"
    with pytest.raises(wolfe.InvalidArgument, match="severity must be one of"):
        notify.page("oncall", "s", source="x", severity="fatal")  # type: ignore[arg-type]


def test_unknown_target_when_targets_are_configured(host: FakeHost) -> None:
    host.notify.targets = {"ops"}
    with pytest.raises(wolfe.NotFound, match="notify.chat: no notification target 'dev'"):
        notify.chat("dev", "hi")


def test_dry_run_notifications_are_flagged() -> None:
    def handle(ctx: wolfe.Context, evts: list[wolfe.Event]) -> list[bool]:
        return [notify.chat("a", "x").simulated, notify.page("p", "s", source="h").simulated]

    host = FakeHost()
    assert run(handle, dry_run=True, host=host).output == [True, True]
    assert host.notify.chats[0].simulated and host.notify.pages[0].simulated


def test_emit_returns_the_new_id(host: FakeHost) -> None:
    first = events.emit("broker.restarted", {"broker": 3})
    second = events.emit("broker.restarted", {"broker": 4})
    assert (first, second) == (events.Emitted("event-1", False), events.Emitted("event-2", False))
    assert str(first) == "event-1"
    assert host.events.emitted[0] == EmittedEvent("event-1", "broker.restarted", {"broker": 3}, False)


def test_emit_payload_must_be_json(host: FakeHost) -> None:
    with pytest.raises(wolfe.InvalidArgument, match="events.emit: payload is not JSON-serialisable"):
        events.emit("x", {"at": object()})


def test_dry_run_emit_has_no_id() -> None:
    def handle(ctx: wolfe.Context, evts: list[wolfe.Event]) -> dict[str, object]:
        emitted = events.emit("x", {})
        return {"id": emitted.id, "simulated": emitted.simulated}

    assert run(handle, dry_run=True).output == {"id": "", "simulated": True}
