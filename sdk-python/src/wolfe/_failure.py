from __future__ import annotations


class RunbookFailure(Exception):
    """Raise to end the run as a failure with exactly this message and detail.

    Use it for outcomes the runbook understands ("broker 3 still offline");
    unexpected exceptions are reported too, but with their traceback.
    """

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.detail = None if detail is None else str(detail)

    def __str__(self) -> str:
        return self.message
