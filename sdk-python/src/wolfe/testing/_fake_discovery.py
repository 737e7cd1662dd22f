from __future__ import annotations

import dataclasses

from wolfe._effect import Effect
from wolfe._errors import NotFound
from wolfe._host import Status
from wolfe.discovery import DiscoveryInstance


class FakeDiscovery:
    """Eureka-like registrations.

        host.discovery.add(DiscoveryInstance("i-1", "KAFKA", "kafka-1", "10.0.0.1", "UP", 9092))
        ...
        assert host.discovery.changes == [("KAFKA", "i-1", "OUT_OF_SERVICE")]
    """

    def __init__(self) -> None:
        self.registered: list[DiscoveryInstance] = []
        #: (app, instance id, status) per set_status, in order (simulated too).
        self.changes: list[tuple[str, str, Status]] = []

    def add(self, *instances: DiscoveryInstance) -> None:
        self.registered.extend(instances)

    def instances(self, app: str) -> list[DiscoveryInstance]:
        found = [i for i in self.registered if i.app == app]
        if not found:
            raise NotFound(f"no application {app} in discovery")
        return found

    def set_status(self, app: str, instance_id: str, status: Status, simulated: bool) -> Effect:
        for index, instance in enumerate(self.registered):
            if instance.app == app and instance.id == instance_id:
                self.changes.append((app, instance_id, status))
                if not simulated:
                    self.registered[index] = dataclasses.replace(instance, status=status)
                return Effect(simulated=simulated)
        raise NotFound(f"no instance {instance_id} of application {app} in discovery")
