from __future__ import annotations

import dataclasses

from wolfe._effect import Effect
from wolfe._errors import NotFound
from wolfe.instances import Instance


class FakeInstances:
    """A fleet of EC2-like instances.

        host.instances.add(Instance("i-1", "running", "m5.large", "10.0.0.1", {"app": "kafka"}))
        ...
        assert host.instances.rebooted == ["i-1"]

    Unknown ids raise `NotFound`. Terminating sets the state to "terminated".
    """

    def __init__(self) -> None:
        self.fleet: dict[str, Instance] = {}
        #: Ids rebooted / terminated, in call order (simulated ones too).
        self.rebooted: list[str] = []
        self.terminated: list[str] = []

    def add(self, *instances: Instance) -> None:
        for instance in instances:
            self.fleet[instance.id] = instance

    def describe(self, ids: list[str]) -> list[Instance]:
        return [self._get(id) for id in ids]

    def find(self, tags: list[tuple[str, str]]) -> list[Instance]:
        return [i for i in self.fleet.values() if all(i.tags.get(k) == v for k, v in tags)]

    def reboot(self, id: str, simulated: bool) -> Effect:
        self._get(id)
        self.rebooted.append(id)
        return Effect(simulated=simulated)

    def terminate(self, id: str, simulated: bool) -> Effect:
        instance = self._get(id)
        self.terminated.append(id)
        if not simulated:
            self.fleet[id] = dataclasses.replace(instance, state="terminated")
        return Effect(simulated=simulated)

    def _get(self, id: str) -> Instance:
        try:
            return self.fleet[id]
        except KeyError:
            raise NotFound(f"no instance {id}") from None
