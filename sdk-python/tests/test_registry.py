import pytest

import wolfe
from wolfe import _registry


def test_decorator_registers_and_returns_function_unchanged() -> None:
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> int:
        return 42

    assert wolfe.runbook(handle) is handle
    assert _registry.registered() is handle
    assert handle(None, []) == 42  # type: ignore[arg-type]  # still directly callable


def test_registering_a_second_handler_is_an_error_naming_both() -> None:
    @wolfe.runbook
    def first(ctx: wolfe.Context, events: list[wolfe.Event]) -> None: ...

    def second(ctx: wolfe.Context, events: list[wolfe.Event]) -> None: ...

    with pytest.raises(RuntimeError, match=r"already on .*first.* cannot also go on .*second"):
        wolfe.runbook(second)
    assert _registry.registered() is first


def test_decorating_the_same_function_twice_is_fine() -> None:
    def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> None: ...

    wolfe.runbook(handle)
    wolfe.runbook(handle)
    assert _registry.registered() is handle


def test_reimported_module_replaces_its_own_handler() -> None:
    def make() -> _registry.Handler:
        def handle(ctx: wolfe.Context, events: list[wolfe.Event]) -> None: ...

        return handle

    old, new = make(), make()  # same module and qualname, like importlib.reload
    wolfe.runbook(old)
    wolfe.runbook(new)
    assert _registry.registered() is new


def test_rejects_wrong_signature_async_and_non_callables() -> None:
    def no_args() -> None: ...

    async def coro(ctx: wolfe.Context, events: list[wolfe.Event]) -> None: ...

    with pytest.raises(TypeError, match=r"must accept \(ctx, events\)"):
        wolfe.runbook(no_args)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="async"):
        wolfe.runbook(coro)
    with pytest.raises(TypeError, match="expects a function"):
        wolfe.runbook(42)  # type: ignore[type-var]
    assert _registry.registered() is None


def test_isolated_restores_previous_registration() -> None:
    @wolfe.runbook
    def outer(ctx: wolfe.Context, events: list[wolfe.Event]) -> None: ...

    with _registry.isolated():
        assert _registry.registered() is None

        @wolfe.runbook
        def inner(ctx: wolfe.Context, events: list[wolfe.Event]) -> None: ...

    assert _registry.registered() is outer
