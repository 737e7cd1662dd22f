"""Service discovery (Eureka): see an application's instances and take one
out of service or put it back.

    from wolfe import discovery

    for instance in discovery.instances("KAFKA-ADMIN"):
        if instance.host_name == bad_host:
            discovery.mark_out_of_service("KAFKA-ADMIN", instance.id)
"""

from __future__ import annotations

from dataclasses import dataclass

from wolfe import _args, _host
from wolfe._effect import Effect
from wolfe._host import Status

__all__ = ["DiscoveryInstance", "Effect", "Status", "instances", "mark_out_of_service", "mark_up", "set_status"]

STATUSES: tuple[Status, ...] = ("UP", "OUT_OF_SERVICE")


@dataclass(frozen=True)
class DiscoveryInstance:
    id: str
    app: str
    host_name: str
    ip_addr: str
    #: As Eureka reports it, e.g. "UP", "OUT_OF_SERVICE", "DOWN".
    status: str
    port: int | None = None


def instances(app: str) -> list[DiscoveryInstance]:
    """The instances registered for `app`."""
    call = "discovery.instances"
    app = _args.text(call, "app", app)
    return _host.invoke(call, lambda host: host.discovery_instances(app))


def set_status(app: str, instance_id: str, status: Status) -> Effect:
    """Override the instance's status: "UP" or "OUT_OF_SERVICE"."""
    call = "discovery.set_status"
    app = _args.text(call, "app", app)
    instance_id = _args.text(call, "instance id", instance_id)
    status = _args.choice(call, "status", status, STATUSES)
    return _host.invoke(call, lambda host: host.discovery_set_status(app, instance_id, status))


def mark_out_of_service(app: str, instance_id: str) -> Effect:
    return set_status(app, instance_id, "OUT_OF_SERVICE")


def mark_up(app: str, instance_id: str) -> Effect:
    return set_status(app, instance_id, "UP")
