"""Outbound HTTP to the hosts the runbook's grant names.

    from wolfe import http

    health = http.get("https://kafka-admin.internal/brokers/3/health", timeout=5)
    if health.ok and health.json()["status"] == "offline":
        http.post("https://kafka-admin.internal/brokers/3/restart", json={"reason": "offline"})

Redirects are followed, each re-checked against the grant. A status of 4xx
or 5xx is a response, not an exception (see `Response.raise_for_status`);
exceptions are the host's errors: `Denied` (host not granted),
`Unavailable` (connection failed or timed out), `TooLarge`, ... In dry-run
mode a side-effecting method (POST, PUT, ...) is not sent: its response says
`simulated=True`.
"""

from __future__ import annotations

import json as _json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from wolfe import _args, _host
from wolfe._errors import InvalidArgument

__all__ = ["Headers", "Response", "StatusError", "delete", "get", "post", "put", "request"]

HeadersArg = Mapping[str, str] | Iterable[tuple[str, str]] | None
Timeout = int | float | timedelta | None


class Headers(Mapping[str, str]):
    """Response headers: case-insensitive; a repeated header reads as its
    values joined by ", " (see `get_all` for each one)."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs: list[tuple[str, str]] = list(pairs)

    def __getitem__(self, name: str) -> str:
        values = self.get_all(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self._pairs if key.lower() == wanted]

    def __iter__(self) -> Iterator[str]:
        seen: dict[str, str] = {}
        for key, _ in self._pairs:
            seen.setdefault(key.lower(), key)
        return iter(seen.values())

    def __len__(self) -> int:
        return len({key.lower() for key, _ in self._pairs})

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Every header as received, in order."""
        return list(self._pairs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._pairs == other._pairs
        return super().__eq__(other)

    def __repr__(self) -> str:
        return f"Headers({self._pairs!r})"


class StatusError(Exception):
    """Raised by `Response.raise_for_status` for a 4xx or 5xx status."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"HTTP {response.status} from {response.method} {response.url}")
        self.response = response


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers
    body: bytes
    #: True in dry-run mode for a side-effecting method: nothing was sent.
    simulated: bool = False
    #: The request's method and URL (before any redirect).
    method: str = field(default="", compare=False)
    url: str = field(default="", compare=False)

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes become U+FFFD)."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body decoded as JSON."""
        try:
            return _json.loads(self.body)
        except ValueError as exc:
            raise ValueError(f"{self.method} {self.url}: body is not JSON: {exc}") from None

    def raise_for_status(self) -> Response:
        """Raise `StatusError` for a 4xx or 5xx status; else return self."""
        if self.status >= 400:
            raise StatusError(self)
        return self


def request(
    method: str,
    url: str,
    *,
    headers: HeadersArg = None,
    body: bytes | str | None = None,
    json: Any = None,
    timeout: Timeout = None,
) -> Response:
    """Send one request. `body` is bytes or str (sent as UTF-8); `json`
    sends a JSON body with `Content-Type: application/json` unless `headers`
    set one. `timeout` is seconds or a timedelta (None: the host's default)."""
    call = "http.send"
    method = _args.text(call, "method", method).upper()
    url = _args.text(call, "url", url)
    pairs = _args.string_pairs(call, "header", headers)
    if json is not None:
        if body is not None:
            raise InvalidArgument("pass either body or json, not both", call=call)
        body = _args.to_json(call, "json", json)
        if not any(name.lower() == "content-type" for name, _ in pairs):
            pairs.append(("content-type", "application/json"))
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif body is not None and not isinstance(body, bytes):
        if not isinstance(body, (bytearray, memoryview)):
            raise InvalidArgument(f"body must be bytes or str, got {type(body).__name__}", call=call)
        body = bytes(body)
    timeout_ms = _args.milliseconds(call, "timeout", timeout)
    sent = body
    response = _host.invoke(call, lambda host: host.http_send(method, url, pairs, sent, timeout_ms))
    return Response(
        status=response.status,
        headers=response.headers,
        body=response.body,
        simulated=response.simulated,
        method=method,
        url=url,
    )


def get(url: str, *, headers: HeadersArg = None, timeout: Timeout = None) -> Response:
    return request("GET", url, headers=headers, timeout=timeout)


def post(
    url: str,
    *,
    headers: HeadersArg = None,
    body: bytes | str | None = None,
    json: Any = None,
    timeout: Timeout = None,
) -> Response:
    return request("POST", url, headers=headers, body=body, json=json, timeout=timeout)


def put(
    url: str,
    *,
    headers: HeadersArg = None,
    body: bytes | str | None = None,
    json: Any = None,
    timeout: Timeout = None,
) -> Response:
    return request("PUT", url, headers=headers, body=body, json=json, timeout=timeout)


def delete(url: str, *, headers: HeadersArg = None, timeout: Timeout = None) -> Response:
    return request("DELETE", url, headers=headers, timeout=timeout)
