"""What a host call raises when the host answers with the WIT `error` variant.

    from wolfe import kv, Denied
    try:
        kv.set("owner", "me", scope="team")
    except Denied as exc:
        log.warn("no team scope here", reason=exc.message)

A runbook that does not catch one fails with `"<Kind>: <call>: <message>"`.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["Denied", "HostError", "InvalidArgument", "NotFound", "TooLarge", "Unavailable"]


class HostError(Exception):
    """A host call could not do what was asked. Catch this to handle any kind."""

    #: The WIT case in the probes' and Rust SDK's spelling, e.g. "not_found".
    kind: ClassVar[str] = "unknown"

    def __init__(self, message: str, *, call: str | None = None) -> None:
        super().__init__(message)
        #: The host's explanation, exactly as it sent it.
        self.message = str(message)
        #: The host call that failed, e.g. "kv.set" (None if unknown).
        self.call = call

    def __str__(self) -> str:
        return f"{self.call}: {self.message}" if self.call else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, call={self.call!r})"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, HostError)
            and (other.message, other.call) == (self.message, self.call)
        )

    def __hash__(self) -> int:
        return hash((type(self), self.message, self.call))


class Denied(HostError):
    """Outside the runbook's grant for this environment (the host recorded it)."""

    kind = "denied"


class InvalidArgument(HostError, ValueError):
    """The arguments were rejected before anything was attempted (by the host,
    or by the SDK before calling it)."""

    kind = "invalid"


class NotFound(HostError, LookupError):
    """The thing asked for does not exist."""

    kind = "not_found"


class Unavailable(HostError):
    """The provider or the remote system failed, refused or timed out; also
    raised outside Wolfe, where there is no host."""

    kind = "unavailable"


class TooLarge(HostError):
    """A size or count limit was exceeded."""

    kind = "too_large"


#: The exception class for each `kind`, e.g. for building errors in tests.
BY_KIND: dict[str, type[HostError]] = {
    cls.kind: cls for cls in (Denied, InvalidArgument, NotFound, Unavailable, TooLarge)
}


def with_call(error: HostError, call: str) -> HostError:
    """`error` naming `call` (a copy if it named none or another call)."""
    if error.call == call:
        return error
    return type(error)(error.message, call=call)
