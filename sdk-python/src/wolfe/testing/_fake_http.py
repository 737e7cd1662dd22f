from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Union

from wolfe._errors import HostError, Unavailable
from wolfe.http import Headers, Response

#: Methods that change nothing, so they are really sent even in dry-run mode.
# As the host: only GET and HEAD are reads; everything else is a side effect.
SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    headers: Headers
    body: bytes | None
    timeout_ms: int | None
    #: True when the host only recorded it (dry-run, side-effecting method).
    simulated: bool

    @property
    def text(self) -> str:
        return (self.body or b"").decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body or b"")


Responder = Callable[[RecordedRequest], Union[Response, HostError]]


class FakeHttp:
    """Answers requests with responses the test registered by (method, URL).

        host.http.respond("GET", "https://admin/brokers/3", json={"state": "offline"})
        host.http.respond("POST", "https://admin/brokers/3/restart", status=202)
        host.http.respond("GET", "https://slow/", error=wolfe.Unavailable("timed out"))
        ...
        assert host.http.requests[-1].json() == {"reason": "offline"}

    A request nobody registered raises `Unavailable` naming it.
    """

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._responders: dict[tuple[str, str], Responder] = {}

    def respond(
        self,
        method: str,
        url: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        body: bytes | str = b"",
        json: Any = None,
        error: HostError | None = None,
        handler: Responder | None = None,
    ) -> None:
        """Register the answer to `method url`: a response, an `error` to
        raise, or a `handler(request)` returning either."""
        if handler is None:
            handler = self._fixed(status, headers, body, json, error)
        self._responders[(method.upper(), url)] = handler

    def send(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        timeout_ms: int | None,
        dry_run: bool,
    ) -> Response:
        simulated = dry_run and method.upper() not in SAFE_METHODS
        request = RecordedRequest(method, url, Headers(headers), body, timeout_ms, simulated)
        self.requests.append(request)
        if simulated:
            # As the host: nothing was sent, so no status (0) and no body.
            return Response(status=0, headers=Headers(), body=b"", simulated=True, method=method, url=url)
        responder = self._responders.get((method.upper(), url))
        if responder is None:
            raise Unavailable(f"FakeHost has no response for {method} {url}: register one with host.http.respond")
        answer = responder(request)
        if isinstance(answer, HostError):
            raise answer
        return answer

    @staticmethod
    def _fixed(
        status: int,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        body: bytes | str,
        payload: Any,
        error: HostError | None,
    ) -> Responder:
        pairs = list(headers.items() if isinstance(headers, Mapping) else (headers or []))
        if payload is not None:
            body = json.dumps(payload)
            if not any(name.lower() == "content-type" for name, _ in pairs):
                pairs.append(("content-type", "application/json"))
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)

        def answer(request: RecordedRequest) -> Response | HostError:
            if error is not None:
                return error
            return Response(
                status=status, headers=Headers(pairs), body=raw, method=request.method, url=request.url
            )

        return answer
