"""wolfe.effects against the FakeHost: the host's idempotency-key rules in
memory (one key, the next side-effecting call; across runs on one host;
scoped to the runbook; ttl; failures free the key; dry-run claims nothing)."""

from datetime import timedelta

import pytest

import wolfe
from wolfe import effects, http, kv, notify
from wolfe.testing import FakeHost, run


def page_once(ctx: wolfe.Context, evts: list[wolfe.Event]) -> dict[str, object]:
    with effects.idempotency_key(f"incident-{ctx.params['incident']}", ttl=timedelta(hours=1)):
        paged = notify.page("oncall", "kafka down", source="kafka-3")
    return {"dedup_key": paged.dedup_key, "simulated": paged.simulated}


def test_a_keyed_page_happens_once_across_runs() -> None:
    host = FakeHost()
    first = run(page_once, params={"incident": 42}, host=host)
    second = run(page_once, params={"incident": 42}, host=host)
    assert first.output == second.output == {"dedup_key": "kafka-3/kafka down", "simulated": False}
    assert len(host.notify.pages) == 1
    assert [(c.idempotency_key, c.replayed) for c in second.calls if c.name == "notify.page_trigger"] == [
        ("incident-42", True)
    ]
    run(page_once, params={"incident": 43}, host=host)
    assert len(host.notify.pages) == 2, "another key acts"


def test_keys_are_scoped_to_the_runbook_and_environment() -> None:
    host = FakeHost()
    run(page_once, params={"incident": 42}, host=host, runbook="a")
    run(page_once, params={"incident": 42}, host=host, runbook="b")
    run(page_once, params={"incident": 42}, host=host, runbook="a", environment="prod")
    run(page_once, params={"incident": 42}, host=host, runbook="a")
    assert len(host.notify.pages) == 3


def test_an_expired_key_acts_again() -> None:
    host = FakeHost()
    run(page_once, params={"incident": 42}, host=host)
    host.effects.advance(3599)
    run(page_once, params={"incident": 42}, host=host)
    assert len(host.notify.pages) == 1
    host.effects.advance(2)
    run(page_once, params={"incident": 42}, host=host)
    assert len(host.notify.pages) == 2


def test_the_key_covers_only_the_next_side_effect(host: FakeHost) -> None:
    host.http.respond("GET", "https://svc/state", json={"ok": True})
    effects.set_idempotency_key("k")
    http.get("https://svc/state")  # a read: the key stays
    kv.get("a")
    notify.chat("ops", "first")
    notify.chat("ops", "second")  # no key: acts
    effects.set_idempotency_key("k")
    notify.chat("ops", "third")  # replayed
    assert [c.text for c in host.notify.chats] == ["first", "second"]
    keyed = [(c.args["text"], c.idempotency_key, c.replayed) for c in host.calls_to("notify.chat")]
    assert keyed == [("first", "k", False), ("second", None, False), ("third", "k", True)]


def test_the_block_clears_an_unused_key(host: FakeHost) -> None:
    with effects.idempotency_key("k"):
        pass
    notify.chat("ops", "after the block")
    with effects.idempotency_key("k"):
        notify.chat("ops", "keyed")
    notify.chat("ops", "after the block")
    assert len(host.notify.chats) == 3
    assert host.calls_to("notify.chat")[0].idempotency_key is None


def test_a_failed_call_frees_the_key(host: FakeHost) -> None:
    host.fail("notify.chat", wolfe.Unavailable("webhook down"), times=1)
    with pytest.raises(wolfe.Unavailable):
        with effects.idempotency_key("k"):
            notify.chat("ops", "try 1")
    assert host.calls_to("notify.chat")[0].idempotency_key == "k"
    with effects.idempotency_key("k"):
        notify.chat("ops", "try 2")
    assert [c.text for c in host.notify.chats] == ["try 2"]


def test_a_key_is_for_one_kind_of_call(host: FakeHost) -> None:
    with effects.idempotency_key("k"):
        notify.chat("ops", "x")
    with pytest.raises(wolfe.InvalidArgument, match="already used by a notify.chat call"):
        with effects.idempotency_key("k"):
            notify.email("ops", "s", "b")
    assert host.notify.emails == []


def test_dry_run_claims_nothing() -> None:
    host = FakeHost()
    dry = run(page_once, params={"incident": 42}, host=host, dry_run=True)
    assert dry.output == {"dedup_key": "kafka-3/kafka down", "simulated": True}
    assert host.effects.done == {}
    run(page_once, params={"incident": 42}, host=host)
    assert [p.simulated for p in host.notify.pages] == [True, False]


@pytest.mark.parametrize(
    ("key", "ttl", "message"),
    [
        ("", None, "idempotency key must not be empty"),
        ("é" * 129, None, "idempotency key of 258 bytes exceeds the limit of 256"),
        ("k", 0, "ttl-seconds must be at least 1"),
    ],
)
def test_bad_keys_are_invalid(host: FakeHost, key: str, ttl: int | None, message: str) -> None:
    with pytest.raises(wolfe.InvalidArgument, match=message):
        effects.set_idempotency_key(key, ttl=ttl)
    assert host.effects.pending is None


def test_arguments_are_checked_before_the_host(host: FakeHost) -> None:
    with pytest.raises(wolfe.InvalidArgument, match="key must be a str"):
        effects.set_idempotency_key(42)  # type: ignore[arg-type]
    with pytest.raises(wolfe.InvalidArgument, match="ttl must be an int"):
        effects.set_idempotency_key("k", ttl=-1)
    assert host.calls == []


def test_outside_wolfe_setting_a_key_is_unavailable() -> None:
    with pytest.raises(wolfe.Unavailable, match="not running inside Wolfe"):
        effects.set_idempotency_key("k")
