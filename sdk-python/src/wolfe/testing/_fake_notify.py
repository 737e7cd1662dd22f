from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wolfe._effect import Effect
from wolfe._errors import NotFound
from wolfe._host import Severity
from wolfe.notify import Paged


@dataclass(frozen=True)
class Email:
    target: str
    subject: str
    body: str
    simulated: bool


@dataclass(frozen=True)
class Chat:
    target: str
    text: str
    simulated: bool


@dataclass(frozen=True)
class Page:
    target: str
    summary: str
    severity: Severity
    source: str
    #: The key the host used: the given one or a derived one.
    dedup_key: str
    #: `details` decoded from JSON (None when absent).
    details: Any
    simulated: bool


@dataclass(frozen=True)
class Resolve:
    target: str
    dedup_key: str
    simulated: bool


class FakeNotify:
    """Records every notification (simulated ones too, flagged).

        assert host.notify.chats[0].text.startswith("restarted")
        assert host.notify.pages[0].severity == "critical"

    `targets`: when set, any other target raises `NotFound`.
    """

    def __init__(self) -> None:
        self.targets: set[str] | None = None
        self.emails: list[Email] = []
        self.chats: list[Chat] = []
        self.pages: list[Page] = []
        self.resolved: list[Resolve] = []

    def email(self, target: str, subject: str, body: str, simulated: bool) -> Effect:
        self._check(target)
        self.emails.append(Email(target, subject, body, simulated))
        return Effect(simulated=simulated)

    def chat(self, target: str, text: str, simulated: bool) -> Effect:
        self._check(target)
        self.chats.append(Chat(target, text, simulated))
        return Effect(simulated=simulated)

    def page_trigger(
        self,
        target: str,
        summary: str,
        severity: Severity,
        source: str,
        dedup_key: str | None,
        details_json: str | None,
        simulated: bool,
    ) -> Paged:
        self._check(target)
        key = dedup_key if dedup_key is not None else f"{source}/{summary}"
        details = None if details_json is None else json.loads(details_json)
        self.pages.append(Page(target, summary, severity, source, key, details, simulated))
        return Paged(dedup_key=key, simulated=simulated)

    def page_resolve(self, target: str, dedup_key: str, simulated: bool) -> Effect:
        self._check(target)
        self.resolved.append(Resolve(target, dedup_key, simulated))
        return Effect(simulated=simulated)

    def _check(self, target: str) -> None:
        if self.targets is not None and target not in self.targets:
            raise NotFound(f"no notification target {target!r}")
