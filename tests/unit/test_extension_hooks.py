"""The extensions' hooks run as Strawberry runs them: in order, left in reverse, an
exception seen (and possibly swallowed or replaced) by each, async hooks left to
Strawberry."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner

from schema.extension_hooks import DirectHooks

Trail = list[str]


class Recorded(SchemaExtension):
    def __init__(self, name: str, trail: Trail, on_error: str = "raise") -> None:
        self.name, self.trail, self.on_error = name, trail, on_error

    def on_operation(self) -> Iterator[None]:
        self.trail.append(f"enter {self.name}")
        try:
            yield
        except ValueError as error:
            self.trail.append(f"{self.name} saw {error}")
            if self.on_error == "swallow":
                return
            if self.on_error == "replace":
                raise KeyError(self.name) from error
            raise
        self.trail.append(f"leave {self.name}")


class AsyncHook(SchemaExtension):
    def __init__(self, trail: Trail) -> None:
        self.trail = trail

    async def on_operation(self) -> AsyncIterator[None]:
        self.trail.append("enter async")
        yield
        self.trail.append("leave async")


def runners(*extensions: SchemaExtension) -> list[Any]:
    return [
        runner(execution_context=None, extensions=list(extensions))  # type: ignore[arg-type]
        for runner in (SchemaExtensionsRunner, DirectHooks)
    ]


async def run(runner: Any, fail: bool) -> str:
    try:
        async with runner.operation():
            if fail:
                raise ValueError("boom")
    except Exception as error:
        return f"raised {type(error).__name__}"
    return "returned"


@pytest.mark.parametrize("fail", [False, True])
@pytest.mark.parametrize("on_error", ["raise", "swallow", "replace"])
async def test_direct_hooks_behave_as_strawberrys(fail: bool, on_error: str) -> None:
    outcomes = []
    for runner_class in (SchemaExtensionsRunner, DirectHooks):
        trail: Trail = []
        runner = runner_class(
            execution_context=None,  # type: ignore[arg-type]
            extensions=[
                Recorded("first", trail),
                Recorded("second", trail, on_error),
                Recorded("third", trail),
            ],
        )
        outcomes.append((await run(runner, fail), trail))
    assert outcomes[0] == outcomes[1]
    if fail:
        assert outcomes[1][1][-1] == "first saw boom" or on_error != "raise"


async def test_a_stage_with_an_async_hook_is_left_to_strawberry() -> None:
    trail: Trail = []
    runner = DirectHooks(
        execution_context=None,  # type: ignore[arg-type]
        extensions=[Recorded("plain", trail), AsyncHook(trail)],
    )
    assert await run(runner, fail=False) == "returned"
    assert trail == ["enter plain", "enter async", "leave async", "leave plain"]
