"""Secrets granted to the runbook.

    from wolfe import secrets
    token = secrets.get("kafka-admin-token")

The host redacts secret values from logs, outputs and the audit trail.
Raises `NotFound` for an unknown name and `Denied` for one not granted.
"""

from __future__ import annotations

from wolfe import _args, _host

__all__ = ["get"]


def get(name: str) -> str:
    """The value of the secret `name`."""
    call = "secrets.get"
    name = _args.text(call, "name", name)
    return _host.invoke(call, lambda host: host.secrets_get(name))
