from datetime import datetime, timedelta, timezone

import pytest

import wolfe
from wolfe import metrics, secrets
from wolfe.metrics import Sample, Series
from wolfe.testing import FakeHost, RecordedQuery

T0 = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
T0_MS = 1714564800000


def test_secret_value_or_not_found(host: FakeHost) -> None:
    host.secrets["db"] = "s3cr3t"
    assert secrets.get("db") == "s3cr3t"
    with pytest.raises(wolfe.NotFound, match="secrets.get: no secret named 'other'"):
        secrets.get("other")
    with pytest.raises(LookupError):  # NotFound is a LookupError too
        secrets.get("other")


def test_metrics_series_have_label_dicts_and_datetime_samples(host: FakeHost) -> None:
    host.metrics.respond("atlas", "name,disk,:eq", [({"host": "db-1"}, [(T0_MS, 91.5), (T0 + timedelta(minutes=1), 93)])])
    (series,) = metrics.query("atlas", "name,disk,:eq")
    assert series.labels == {"host": "db-1"}
    assert series.samples == [Sample(T0, 91.5), Sample(T0 + timedelta(minutes=1), 93.0)]
    assert series.samples[1].timestamp_ms == T0_MS + 60000
    assert series.values == [91.5, 93.0]
    assert series.latest == Sample(T0 + timedelta(minutes=1), 93.0)
    assert Series({}).latest is None
    assert host.metrics.queries == [RecordedQuery("atlas", "name,disk,:eq", None)]


def test_range_from_datetimes_or_epoch_ms(host: FakeHost) -> None:
    host.metrics.add_backend("prom")
    assert metrics.query("prom", "up", start=T0, end=T0 + timedelta(hours=1), step=timedelta(seconds=30)) == []
    metrics.query("prom", "up", start=T0_MS, end=T0_MS + 1000, step=500)
    assert [q.range for q in host.metrics.queries] == [
        (T0_MS, T0_MS + 3_600_000, 30_000),
        (T0_MS, T0_MS + 1000, 500),
    ]


def test_start_alone_means_until_now_every_minute(host: FakeHost) -> None:
    host.metrics.add_backend("prom")
    before = datetime.now(timezone.utc)
    metrics.query("prom", "up", start=T0)
    (query,) = host.metrics.queries
    assert query.range is not None
    start, end, step = query.range
    assert (start, step) == (T0_MS, 60_000)
    assert end >= Sample(before, 0).timestamp_ms


def test_range_arguments_are_checked(host: FakeHost) -> None:
    with pytest.raises(wolfe.InvalidArgument, match="end and step need a start"):
        metrics.query("prom", "up", end=T0)
    with pytest.raises(wolfe.InvalidArgument, match="start must be a timezone-aware datetime"):
        metrics.query("prom", "up", start=datetime(2024, 5, 1))
    with pytest.raises(wolfe.InvalidArgument, match="step"):
        metrics.query("prom", "up", start=T0, step=-5)
    assert host.calls == []


def test_unknown_backend_is_not_found(host: FakeHost) -> None:
    with pytest.raises(wolfe.NotFound, match="metrics.query: no metrics backend named 'graphite'"):
        metrics.query("graphite", "x")
