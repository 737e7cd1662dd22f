from __future__ import annotations

import json
import os
import uuid
from datetime import datetime
from typing import Any

from wolfe._model import Event
from wolfe._time import format_rfc3339, parse_rfc3339, utc_now


def event(
    payload: Any,
    *,
    source: str = "manual",
    kind: str = "manual",
    id: str | None = None,
    received_at: datetime | str | None = None,
) -> Event:
    """Build an `Event`; `received_at` defaults to now and may be an RFC 3339
    string or a timezone-aware datetime."""
    if received_at is None:
        moment = utc_now()
    elif isinstance(received_at, str):
        moment = parse_rfc3339(received_at)
    else:
        format_rfc3339(received_at)  # Rejects naive datetimes, as the host would.
        moment = received_at
    return Event(
        id=id if id is not None else str(uuid.uuid4()),
        source=source,
        kind=kind,
        received_at=moment,
        payload=payload,
    )


def load_event(
    path: str | os.PathLike[str],
    *,
    id: str | None = None,
    received_at: datetime | str | None = None,
) -> Event:
    """Build an `Event` from a sample event file (`events/*.json`):
    `{"source": ..., "kind": ..., "payload": ...}`."""
    with open(path, encoding="utf-8") as file:
        sample = json.load(file)
    missing = [key for key in ("source", "kind", "payload") if key not in sample]
    if missing:
        raise ValueError(f"{os.fspath(path)}: sample event lacks {', '.join(missing)}")
    return event(
        sample["payload"], source=sample["source"], kind=sample["kind"], id=id, received_at=received_at
    )
