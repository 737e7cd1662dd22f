from collections.abc import Iterator

import pytest

from wolfe import _host, _registry
from wolfe.testing import FakeHost


@pytest.fixture(autouse=True)
def _isolation() -> Iterator[None]:
    """Each test starts with no registered handler and the default backend,
    and whatever it changes is undone."""
    backend = _host.current()
    with _registry.isolated():
        yield
    _host.install(backend)


@pytest.fixture
def host() -> FakeHost:
    fake = FakeHost()
    _host.install(fake)
    return fake
