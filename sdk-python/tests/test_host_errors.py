"""The HostError hierarchy, FakeHost.fail and behaviour outside Wolfe."""

import pytest

import wolfe
from wolfe import _host, kv, secrets
from wolfe.testing import FakeHost, run


def test_hierarchy_and_kinds() -> None:
    kinds = {cls.__name__: cls.kind for cls in (wolfe.Denied, wolfe.InvalidArgument, wolfe.NotFound, wolfe.Unavailable, wolfe.TooLarge)}
    assert kinds == {
        "Denied": "denied",
        "InvalidArgument": "invalid",
        "NotFound": "not_found",
        "Unavailable": "unavailable",
        "TooLarge": "too_large",
    }
    for cls in (wolfe.Denied, wolfe.InvalidArgument, wolfe.NotFound, wolfe.Unavailable, wolfe.TooLarge):
        assert issubclass(cls, wolfe.HostError)
    error = wolfe.Denied("nope", call="kv.set")
    assert (str(error), repr(error)) == ("kv.set: nope", "Denied('nope', call='kv.set')")
    assert error == wolfe.Denied("nope", call="kv.set") != wolfe.Unavailable("nope", call="kv.set")


def test_fail_makes_a_call_raise_and_records_it(host: FakeHost) -> None:
    host.fail("kv.set", wolfe.Denied("team scope not granted"))
    with pytest.raises(wolfe.Denied, match="kv.set: team scope not granted"):
        kv.set("k", "v", scope="team")
    assert kv.get("k") is None  # other calls still work
    assert host.calls[0].error == wolfe.Denied("team scope not granted", call="kv.set")
    host.fail("kv.set", None)
    kv.set("k", "v")


def test_fail_a_whole_interface_a_number_of_times(host: FakeHost) -> None:
    host.fail("kv", wolfe.Unavailable, times=2)
    for _ in range(2):
        with pytest.raises(wolfe.Unavailable, match=r"kv.get: kv failed \(FakeHost.fail\)"):
            kv.get("k")
    assert kv.get("k") is None


def test_fail_rejects_unknown_calls(host: FakeHost) -> None:
    with pytest.raises(ValueError, match="'kvs.set' is not a host call"):
        host.fail("kvs.set", wolfe.Denied)


def test_uncaught_host_error_fails_the_run_with_a_clear_message() -> None:
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> str:
        return secrets.get("db")

    result = run(handle)
    assert result.failure is not None
    assert result.failure.message == "NotFound: secrets.get: no secret named 'db'"
    assert result.calls[0].error == wolfe.NotFound("no secret named 'db'", call="secrets.get")


def test_caught_host_error_lets_the_runbook_carry_on() -> None:
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> str:
        try:
            kv.set("owner", "me", scope="team")
        except wolfe.Denied as denied:
            return f"skipped: {denied.message}"
        return "set"

    host = FakeHost()
    host.fail("kv.set", wolfe.Denied("no team grant"))
    assert run(handle, host=host).output == "skipped: no team grant"


def test_outside_wolfe_host_calls_are_unavailable() -> None:
    _host.install(_host.StderrBackend())
    with pytest.raises(wolfe.Unavailable, match="kv.get: not running inside Wolfe"):
        kv.get("k")
    with pytest.raises(AttributeError):
        _host.StderrBackend().nonsense  # noqa: B018
