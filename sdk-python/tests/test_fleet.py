"""instances and discovery."""

import pytest

import wolfe
from wolfe import discovery, instances
from wolfe.discovery import DiscoveryInstance
from wolfe.instances import Instance
from wolfe.testing import FakeHost, run

KAFKA_1 = Instance("i-1", "running", "m5.large", "10.0.0.1", {"app": "kafka", "env": "prod"})
KAFKA_2 = Instance("i-2", "stopped", "m5.large", None, {"app": "kafka", "env": "test"})


@pytest.fixture
def fleet(host: FakeHost) -> FakeHost:
    host.instances.add(KAFKA_1, KAFKA_2)
    host.discovery.add(
        DiscoveryInstance("i-1", "KAFKA", "kafka-1", "10.0.0.1", "UP", 9092),
        DiscoveryInstance("i-2", "KAFKA", "kafka-2", "10.0.0.2", "UP"),
    )
    return host


def test_describe_by_ids_or_a_single_id(fleet: FakeHost) -> None:
    assert instances.describe(["i-2", "i-1"]) == [KAFKA_2, KAFKA_1]
    assert instances.describe("i-1") == [KAFKA_1]
    with pytest.raises(wolfe.NotFound, match="instances.describe: no instance i-9"):
        instances.describe(["i-9"])


def test_find_by_tag_mapping_and_keywords(fleet: FakeHost) -> None:
    assert instances.find({"app": "kafka"}) == [KAFKA_1, KAFKA_2]
    assert instances.find(app="kafka", env="test") == [KAFKA_2]
    assert instances.find({"aws:autoscaling:groupName": "x"}) == []
    assert fleet.calls_to("instances.find")[1].args == {"tags": [("app", "kafka"), ("env", "test")]}


def test_reboot_and_terminate(fleet: FakeHost) -> None:
    assert instances.reboot("i-1") == wolfe.Effect(simulated=False)
    assert instances.terminate("i-2") == wolfe.Effect(simulated=False)
    assert (fleet.instances.rebooted, fleet.instances.terminated) == (["i-1"], ["i-2"])
    assert instances.describe("i-2")[0].state == "terminated"
    with pytest.raises(wolfe.NotFound):
        instances.reboot("i-9")


def test_terminate_in_dry_run_is_simulated(fleet: FakeHost) -> None:
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> bool:
        return instances.terminate("i-1").simulated

    assert run(handle, dry_run=True, host=fleet).output is True
    assert fleet.instances.fleet["i-1"].state == "running"
    assert fleet.instances.terminated == ["i-1"]


def test_discovery_instances_and_status_changes(fleet: FakeHost) -> None:
    (first, second) = discovery.instances("KAFKA")
    assert (first.host_name, first.port, second.port) == ("kafka-1", 9092, None)
    discovery.mark_out_of_service("KAFKA", "i-1")
    assert discovery.instances("KAFKA")[0].status == "OUT_OF_SERVICE"
    discovery.mark_up("KAFKA", "i-1")
    discovery.set_status("KAFKA", "i-2", "OUT_OF_SERVICE")
    assert fleet.discovery.changes == [
        ("KAFKA", "i-1", "OUT_OF_SERVICE"),
        ("KAFKA", "i-1", "UP"),
        ("KAFKA", "i-2", "OUT_OF_SERVICE"),
    ]


def test_discovery_errors(fleet: FakeHost) -> None:
    with pytest.raises(wolfe.InvalidArgument, match="status must be one of 'UP', 'OUT_OF_SERVICE', got 'DOWN'"):
        discovery.set_status("KAFKA", "i-1", "DOWN")  # type: ignore[arg-type]
    with pytest.raises(wolfe.NotFound, match="discovery.set_status: no instance i-9 of application KAFKA"):
        discovery.mark_up("KAFKA", "i-9")
    with pytest.raises(wolfe.NotFound, match="no application ZOOKEEPER"):
        discovery.instances("ZOOKEEPER")
