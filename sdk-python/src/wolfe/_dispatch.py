"""Runs a handler against host records and turns the result into either the
output JSON or a failure.

Both the component (`_component.py`) and `wolfe.testing` go through
`dispatch`, so what a unit test sees is what the host sees.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from wolfe import log
from wolfe._failure import RunbookFailure
from wolfe._records import ContextRecord, EventRecord, decode_context, decode_event
from wolfe._registry import Handler

NO_HANDLER = "no function is marked with @wolfe.runbook"


@dataclass(frozen=True)
class Failure:
    """The run failed: the WIT `failure` record."""

    message: str
    detail: str | None = None


def dispatch(
    handler: Handler | None, ctx: ContextRecord, events: Sequence[EventRecord]
) -> str | Failure:
    """Returns the output as a JSON document, or the failure."""
    if handler is None:
        return Failure(
            NO_HANDLER,
            "Decorate the entry module's handler function: "
            "@wolfe.runbook\ndef handle(ctx, events): ...",
        )
    try:
        context = decode_context(ctx)
        decoded = [decode_event(event) for event in events]
    except Exception as exc:
        return Failure(f"invalid input from the host: {_describe(exc)}", _format(exc, exc.__traceback__))

    try:
        output = handler(context, decoded)
    except RunbookFailure as exc:
        return Failure(exc.message, exc.detail)
    # SystemExit too: sys.exit() in a runbook is a failure, not a crash of the
    # component. KeyboardInterrupt stays fatal so Ctrl-C still stops tests.
    except (Exception, SystemExit) as exc:
        return _unexpected(exc)

    return _encode_output(output)


def _encode_output(output: object) -> str | Failure:
    try:
        # allow_nan=False: NaN/Infinity would produce invalid JSON.
        return json.dumps(output, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        return Failure(
            f"runbook output is not JSON-serialisable: {exc}",
            "Return only dicts, lists, strings, finite numbers, booleans and None; "
            "convert the rest first (e.g. datetime.isoformat(), list(a_set)).",
        )


def _unexpected(exc: BaseException) -> Failure:
    # Skip our own frame: the traceback should start in the runbook.
    tb = exc.__traceback__
    detail = _format(exc, tb.tb_next if tb is not None and tb.tb_next is not None else tb)
    message = _describe(exc)
    try:
        log.error(f"unhandled {message}", exception=type(exc).__name__, traceback=detail)
    except Exception:
        pass  # A broken log backend must not hide the run's real failure.
    return Failure(message, detail)


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = "<exception str() failed>"
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _format(exc: BaseException, tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(type(exc), exc, tb))
