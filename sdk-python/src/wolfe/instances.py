"""Cloud instances (EC2), within the applications or tags the grant names.

    from wolfe import instances

    for instance in instances.find({"app": "kafka", "cluster": "events"}):
        if instance.state == "stopped":
            instances.reboot(instance.id)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from wolfe import _args, _host
from wolfe._effect import Effect

__all__ = ["Effect", "Instance", "describe", "find", "reboot", "terminate"]


@dataclass(frozen=True)
class Instance:
    id: str
    #: As EC2 reports it, e.g. "running", "stopped".
    state: str
    instance_type: str
    private_ip: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


def describe(ids: str | Iterable[str]) -> list[Instance]:
    """The instances with these ids (one id may be passed as a str)."""
    call = "instances.describe"
    id_list = [ids] if isinstance(ids, str) else list(ids)
    wanted = [_args.text(call, "instance id", one) for one in id_list]
    return _host.invoke(call, lambda host: host.instances_describe(wanted))


def find(tags: Mapping[str, str] | None = None, /, **more_tags: str) -> list[Instance]:
    """Instances whose tags include every given pair, as a mapping (for keys
    like "aws:autoscaling:groupName") and/or keyword arguments."""
    call = "instances.find"
    pairs = _args.string_pairs(call, "tag", {**(tags or {}), **more_tags})
    return _host.invoke(call, lambda host: host.instances_find(pairs))


def reboot(id: str) -> Effect:
    call = "instances.reboot"
    id = _args.text(call, "instance id", id)
    return _host.invoke(call, lambda host: host.instances_reboot(id))


def terminate(id: str) -> Effect:
    call = "instances.terminate"
    id = _args.text(call, "instance id", id)
    return _host.invoke(call, lambda host: host.instances_terminate(id))
