from datetime import timedelta

import pytest

import wolfe
from wolfe import http
from wolfe.http import Headers
from wolfe.testing import FakeHost, run


def test_get_returns_the_registered_response(host: FakeHost) -> None:
    host.http.respond("GET", "https://admin/brokers/3", json={"state": "offline"}, headers={"X-Id": "7"})
    response = http.get("https://admin/brokers/3")
    assert response.ok and response.status == 200 and not response.simulated
    assert response.json() == {"state": "offline"}
    assert response.text == '{"state": "offline"}'
    assert response.headers["x-id"] == "7"
    assert response.headers["Content-Type"] == "application/json"


def test_request_sends_method_headers_body_and_timeout(host: FakeHost) -> None:
    host.http.respond("PATCH", "https://admin/x", status=204)
    http.request("patch", "https://admin/x", headers=[("A", "1"), ("A", "2")], body="héllo", timeout=timedelta(seconds=3))
    (sent,) = host.http.requests
    assert (sent.method, sent.body, sent.timeout_ms) == ("PATCH", "héllo".encode(), 3000)
    assert sent.headers.get_all("a") == ["1", "2"]
    assert host.calls[0].args["headers"] == [("A", "1"), ("A", "2")]


def test_json_body_sets_content_type_unless_given(host: FakeHost) -> None:
    host.http.respond("POST", "https://a/", status=202)
    host.http.respond("PUT", "https://a/", status=200)
    http.post("https://a/", json={"reason": "offline"})
    http.put("https://a/", json=[1], headers={"Content-Type": "application/vnd.x+json"})
    first, second = host.http.requests
    assert first.json() == {"reason": "offline"}
    assert first.headers.pairs == [("content-type", "application/json")]
    assert second.headers.pairs == [("Content-Type", "application/vnd.x+json")]


def test_body_and_json_together_are_invalid(host: FakeHost) -> None:
    with pytest.raises(wolfe.InvalidArgument, match="http.send: pass either body or json"):
        http.post("https://a/", body="x", json={})


def test_error_statuses_are_responses_until_raise_for_status(host: FakeHost) -> None:
    host.http.respond("DELETE", "https://a/b", status=503, body=b"busy")
    response = http.delete("https://a/b")
    assert not response.ok and response.body == b"busy"
    with pytest.raises(http.StatusError, match="HTTP 503 from DELETE https://a/b"):
        response.raise_for_status()


def test_registered_errors_and_unregistered_urls_raise(host: FakeHost) -> None:
    host.http.respond("GET", "https://slow/", error=wolfe.Unavailable("timed out after 5s"))
    with pytest.raises(wolfe.Unavailable, match="http.send: timed out after 5s"):
        http.get("https://slow/")
    with pytest.raises(wolfe.Unavailable, match="no response for GET https://nowhere/"):
        http.get("https://nowhere/")
    assert [c.error.kind for c in host.calls if c.error] == ["unavailable", "unavailable"]


def test_handler_can_compute_the_response(host: FakeHost) -> None:
    host.http.respond(
        "POST", "https://echo/", handler=lambda req: http.Response(200, Headers(), req.body or b"")
    )
    assert http.post("https://echo/", body=b"ping").body == b"ping"


def test_dry_run_sends_safe_methods_only() -> None:
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict[str, object]:
        read = http.get("https://a/")
        write = http.post("https://a/", json={})
        return {"read": [read.status, read.simulated], "write": write.simulated}

    host = FakeHost()
    host.http.respond("GET", "https://a/", status=200)
    result = run(handle, dry_run=True, host=host)
    assert result.output == {"read": [200, False], "write": True}
    assert [r.simulated for r in host.http.requests] == [False, True]


def test_headers_mapping_is_case_insensitive_and_joins_repeats() -> None:
    headers = Headers([("Set-Cookie", "a"), ("set-cookie", "b"), ("X", "1")])
    assert headers["SET-COOKIE"] == "a, b"
    assert list(headers) == ["Set-Cookie", "X"] and len(headers) == 2
    assert headers.get("missing") is None
    assert dict(headers) == {"Set-Cookie": "a, b", "X": "1"}


def test_non_json_body_names_the_request(host: FakeHost) -> None:
    host.http.respond("GET", "https://a/", body="<html>")
    with pytest.raises(ValueError, match="GET https://a/: body is not JSON"):
        http.get("https://a/").json()


def test_timeouts_round_up_to_whole_milliseconds_without_float_noise(host: FakeHost) -> None:
    host.http.respond("GET", "https://a/")
    for timeout in (1.234, timedelta(milliseconds=1234), timedelta(microseconds=1233001)):
        http.get("https://a/", timeout=timeout)
    assert [r.timeout_ms for r in host.http.requests] == [1234, 1234, 1234]


def test_json_bodies_are_compact_utf8_like_the_rust_sdk(host: FakeHost) -> None:
    host.http.respond("POST", "https://a/")
    http.post("https://a/", json={"name": "café", "n": [1, 2]})
    assert host.http.requests[0].body == '{"name":"café","n":[1,2]}'.encode()
