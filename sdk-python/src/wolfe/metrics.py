"""Time series from the metrics backends configured for the environment.

    from datetime import datetime, timedelta, timezone
    from wolfe import metrics

    now = datetime.now(timezone.utc)
    for series in metrics.query("atlas", "name,disk.used,:eq,:max",
                                start=now - timedelta(minutes=30), end=now,
                                step=timedelta(minutes=1)):
        print(series.labels, series.latest)

`backend` names a configured backend; the query is in its language (Atlas
stack language or PromQL). Without `start` the latest values are returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from wolfe import _args, _host
from wolfe._errors import InvalidArgument
from wolfe._time import utc_now

__all__ = ["Sample", "Series", "query"]

#: The step when `start` is given without one.
DEFAULT_STEP = timedelta(minutes=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Sample(NamedTuple):
    #: Timezone-aware (UTC).
    timestamp: datetime
    value: float

    @property
    def timestamp_ms(self) -> int:
        return (self.timestamp - _EPOCH) // timedelta(milliseconds=1)

    @classmethod
    def from_ms(cls, timestamp_ms: int, value: float) -> Sample:
        return cls(_EPOCH + timedelta(milliseconds=timestamp_ms), value)


@dataclass(frozen=True)
class Series:
    labels: dict[str, str]
    samples: list[Sample] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        return [sample.value for sample in self.samples]

    @property
    def latest(self) -> Sample | None:
        """The last sample, or None when there is none."""
        return self.samples[-1] if self.samples else None


def query(
    backend: str,
    query: str,
    *,
    start: datetime | int | None = None,
    end: datetime | int | None = None,
    step: timedelta | int | None = None,
) -> list[Series]:
    """Run `query` on `backend`. `start`/`end` are aware datetimes or epoch
    milliseconds, `step` a timedelta or milliseconds; with `start`, `end`
    defaults to now and `step` to one minute."""
    call = "metrics.query"
    backend = _args.text(call, "backend", backend)
    query = _args.text(call, "query", query)
    range_: _host.Range | None = None
    if start is None:
        if end is not None or step is not None:
            raise InvalidArgument("end and step need a start", call=call)
    else:
        start_ms = _args.epoch_ms(call, "start", start)
        end_ms = _args.epoch_ms(call, "end", end if end is not None else utc_now())
        step_value = step if step is not None else DEFAULT_STEP
        if isinstance(step_value, timedelta):
            step_value = step_value // timedelta(milliseconds=1)
        range_ = (start_ms, end_ms, _args.u32(call, "step (ms)", step_value))
    requested = range_
    return _host.invoke(call, lambda host: host.metrics_query(backend, query, requested))
