"""`@wolfe.runbook` and the one handler it registers."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from wolfe._model import Context, Event

Handler = Callable[[Context, list[Event]], Any]
H = TypeVar("H", bound=Handler)

_handler: Handler | None = None


def runbook(fn: H) -> H:
    """Mark `fn(ctx, events)` as the runbook's handler and return it unchanged.

    A runbook has exactly one handler, so marking a second function is an
    error rather than a silent override.
    """
    global _handler
    _check_signature(fn)
    if _handler is not None and _handler is not fn and _name(_handler) != _name(fn):
        raise RuntimeError(
            f"@wolfe.runbook is already on {_name(_handler)}, so it cannot also go on "
            f"{_name(fn)}: a runbook has exactly one handler"
        )
    # Same qualified name means the module was re-imported (importlib.reload):
    # the new function replaces the stale one.
    _handler = fn
    return fn


def registered() -> Handler | None:
    return _handler


@contextmanager
def isolated() -> Iterator[None]:
    """Let code register a handler without clashing with, or leaking into,
    the current registration (used to load several runbooks in one process)."""
    global _handler
    saved, _handler = _handler, None
    try:
        yield
    finally:
        _handler = saved


def _check_signature(fn: Callable[..., Any]) -> None:
    if not callable(fn):
        raise TypeError(f"@wolfe.runbook expects a function, got {type(fn).__name__}")
    if inspect.iscoroutinefunction(fn):
        raise TypeError(f"@wolfe.runbook cannot go on async function {_name(fn)}; use a plain def")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # Builtins and some callables have no signature; trust them.
    try:
        signature.bind(None, None)
    except TypeError:
        raise TypeError(
            f"@wolfe.runbook function {_name(fn)}{signature} must accept (ctx, events)"
        ) from None


def _name(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None) or "?"
    return f"{module}.{getattr(fn, '__qualname__', repr(fn))}"
