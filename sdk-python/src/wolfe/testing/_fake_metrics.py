from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from wolfe._errors import NotFound
from wolfe._host import Range
from wolfe.metrics import Sample, Series

SeriesLike = Series | tuple[Mapping[str, str], Iterable[tuple[datetime | int, float]]]


@dataclass(frozen=True)
class RecordedQuery:
    backend: str
    query: str
    #: (start_ms, end_ms, step_ms), or None for the latest values.
    range: Range | None


class FakeMetrics:
    """Canned series per (backend, query).

        host.metrics.respond("atlas", "name,disk.used,:eq", [
            ({"host": "db-1"}, [(1714564800000, 91.5), (1714564860000, 93.0)]),
        ])

    A series is a `Series` or (labels, [(timestamp, value), ...]) with
    timestamps as epoch ms or aware datetimes. A query nobody registered on
    a known backend returns no series; an unknown backend raises `NotFound`.
    """

    def __init__(self) -> None:
        self.queries: list[RecordedQuery] = []
        self._series: dict[tuple[str, str], list[Series]] = {}
        self._backends: set[str] = set()

    def respond(self, backend: str, query: str, series: Iterable[SeriesLike]) -> None:
        self._backends.add(backend)
        self._series[(backend, query)] = [_series(one) for one in series]

    def add_backend(self, backend: str) -> None:
        """Make `backend` known without registering any query on it."""
        self._backends.add(backend)

    def query(self, backend: str, query: str, range: Range | None) -> list[Series]:
        self.queries.append(RecordedQuery(backend, query, range))
        if backend not in self._backends:
            raise NotFound(f"no metrics backend named {backend!r}")
        return list(self._series.get((backend, query), []))


def _series(one: SeriesLike) -> Series:
    if isinstance(one, Series):
        return one
    labels, samples = one
    return Series(
        labels=dict(labels),
        samples=[
            Sample(at, float(value)) if isinstance(at, datetime) else Sample.from_ms(at, float(value))
            for at, value in samples
        ],
    )
