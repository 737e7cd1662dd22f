"""Wolfe's Python SDK: write a runbook as one decorated function.

    import wolfe
    from wolfe import log

    @wolfe.runbook
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> dict:
        log.info("starting", events=len(events))
        return {"ok": True}
"""

from wolfe import log
from wolfe._failure import RunbookFailure
from wolfe._model import Context, Event
from wolfe._registry import runbook

__all__ = ["Context", "Event", "RunbookFailure", "log", "runbook"]
__version__ = "0.1.0"
