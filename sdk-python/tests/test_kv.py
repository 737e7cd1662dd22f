from datetime import timedelta

import pytest

import wolfe
from wolfe import kv
from wolfe.testing import Call, FakeHost, run


def test_set_get_delete_round_trip(host: FakeHost) -> None:
    assert kv.get("k") is None
    assert kv.set("k", "v") == wolfe.Effect(simulated=False)
    assert kv.get("k") == "v"
    assert kv.delete("k") == wolfe.Effect(simulated=False)
    assert kv.get("k") is None
    assert [c.name for c in host.calls] == ["kv.get", "kv.set", "kv.get", "kv.delete", "kv.get"]
    assert host.calls[1] == Call("kv.set", {"scope": "runbook", "key": "k", "value": "v", "ttl_seconds": None},
                                 result=wolfe.Effect(False))


def test_scopes_are_separate(host: FakeHost) -> None:
    kv.set("owner", "team-value", scope="team")
    assert kv.get("owner") is None
    assert kv.get("owner", scope="team") == "team-value"
    assert host.kv.data("team") == {"owner": "team-value"}


def test_ttl_in_seconds_or_timedelta_is_sent_in_whole_seconds_and_honoured(host: FakeHost) -> None:
    kv.set("a", "1", ttl=timedelta(minutes=2))
    kv.set("b", "1", ttl=1.2)  # rounded up: never expire earlier than asked
    assert (host.kv.ttl("a"), host.kv.ttl("b")) == (120, 2)
    host.kv.advance(2)
    assert kv.get("b") is None and kv.get("a") == "1"
    host.kv.advance(118)
    assert kv.get("a") is None


@pytest.mark.parametrize("ttl", [-1, 2**32, "60", float("inf")])
def test_bad_ttl_is_invalid_before_reaching_the_host(host: FakeHost, ttl: object) -> None:
    with pytest.raises(wolfe.InvalidArgument, match="kv.set: ttl must be"):
        kv.set("k", "v", ttl=ttl)  # type: ignore[arg-type]
    assert host.calls == []


def test_values_must_be_text_and_scope_known(host: FakeHost) -> None:
    with pytest.raises(wolfe.InvalidArgument, match="use kv.set_json"):
        kv.set("k", {"a": 1})  # type: ignore[arg-type]
    with pytest.raises(wolfe.InvalidArgument, match="scope must be one of 'runbook', 'team', got 'global'"):
        kv.get("k", scope="global")  # type: ignore[arg-type]
    # InvalidArgument is also a ValueError, as Python code expects.
    with pytest.raises(ValueError):
        kv.get(3)  # type: ignore[arg-type]


def test_scan_returns_entries_in_key_order_up_to_limit(host: FakeHost) -> None:
    for key in ("b2", "a", "b1", "b3"):
        kv.set(key, key.upper())
    assert kv.scan("b", limit=2) == [kv.Entry("b1", "B1"), kv.Entry("b2", "B2")]
    assert [e.key for e in kv.scan()] == ["a", "b1", "b2", "b3"]


def test_compare_and_set_swaps_only_on_expected_value(host: FakeHost) -> None:
    assert kv.compare_and_set("lock", None, "me", ttl=30)
    taken = kv.compare_and_set("lock", None, "other")
    assert not taken and taken == kv.Swap(swapped=False, simulated=False)
    assert kv.compare_and_set("lock", "me", "next")
    assert host.kv.value("lock") == "next"


def test_json_helpers(host: FakeHost) -> None:
    kv.set_json("state", {"restarts": 2, "brokers": [1, 3]}, ttl=10)
    assert host.kv.value("state") == '{"restarts":2,"brokers":[1,3]}'
    assert kv.get_json("state") == {"restarts": 2, "brokers": [1, 3]}
    assert kv.get_json("absent", default={}) == {}
    kv.set("raw", "not json")
    with pytest.raises(ValueError, match="kv key 'raw' does not hold JSON"):
        kv.get_json("raw")
    with pytest.raises(wolfe.InvalidArgument, match="not JSON-serialisable"):
        kv.set_json("bad", {1, 2})


def test_dry_run_writes_are_simulated_and_change_nothing() -> None:
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict[str, bool]:
        written = kv.set("k", "v")
        swap = kv.compare_and_set("k2", None, "v")
        return {"set": written.simulated, "swap": swap.simulated, "swapped": swap.swapped, "deleted": kv.delete("x").simulated}

    host = FakeHost()
    result = run(handle, dry_run=True, host=host)
    assert result.output == {"set": True, "swap": True, "swapped": True, "deleted": True}
    assert host.kv.data() == {}
    assert [c.name for c in result.calls] == ["kv.set", "kv.compare_and_set", "kv.delete"]


def test_seeded_values_are_visible_but_not_recorded(host: FakeHost) -> None:
    host.kv.put("owner", "alice", scope="team")
    assert kv.get("owner", scope="team") == "alice"
    assert [c.name for c in host.calls] == ["kv.get"]
