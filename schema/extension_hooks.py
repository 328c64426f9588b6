"""The extensions' hooks of a request, entered and left without Strawberry's wrapping.

For each stage of each request (operation, parsing, validation, execution) Strawberry
inspects every extension's hook, wraps each in a `contextlib` context manager and
enters them through an `AsyncExitStack`: some sixteen wrappers per request, about 5% of
a mutation's CPU, for hooks that are plain generators. Which class implements which
hook is known per class, so it is looked up once here, and a stage runs its generators
directly with the same semantics as the exit stack: entered in order, left in reverse,
an exception thrown into each (a hook may swallow or replace it), a hook that does not
stop after its one `yield` is an error. A stage whose hooks are not all plain
generators (an async or callable hook) keeps Strawberry's own context manager.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from functools import cache
from types import TracebackType
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner

Hook = Callable[[SchemaExtension], Generator[None, None, None]]


@cache
def _hook_of(extension_class: type[SchemaExtension], name: str) -> Hook | bool | None:
    """`extension_class`'s own `name` hook if it is a plain generator, None if it has
    none, False if it has one this module does not run (async or a plain callable)."""
    hook = getattr(extension_class, name)
    if hook is getattr(SchemaExtension, name):
        return None
    return hook if inspect.isgeneratorfunction(hook) else False


class _Stage:
    """One stage's generator hooks, as an (async) context manager."""

    __slots__ = ("_entered", "_hooks")

    def __init__(self, hooks: list[tuple[Hook, SchemaExtension]]):
        self._hooks = hooks
        self._entered: list[Generator[None, None, None]] = []

    def _enter(self) -> None:
        """As Strawberry's: a hook failing to enter leaves the entered ones as they are."""
        for hook, extension in self._hooks:
            generator = hook(extension)
            try:
                next(generator)
            except StopIteration:
                raise RuntimeError("generator didn't yield") from None
            self._entered.append(generator)

    def _leave(self, error: BaseException | None) -> BaseException | None:
        """Leaves the entered hooks in reverse; the exception still raised, if any."""
        pending = error
        while self._entered:
            generator = self._entered.pop()
            if pending is None:
                try:
                    next(generator)
                except StopIteration:
                    continue
                except BaseException as raised:
                    pending = raised
                    continue
                pending = RuntimeError("generator didn't stop")
            else:
                try:
                    generator.throw(pending)
                except StopIteration:
                    pending = None
                    continue
                except BaseException as raised:
                    if raised is not pending:
                        raised.__context__ = pending
                        pending = raised
                    continue
                pending = RuntimeError("generator didn't stop after throw()")
        return pending

    def _exit(self, error: BaseException | None) -> bool:
        """As Strawberry's: an exception a hook swallows still propagates (its context
        managers never report one suppressed); one a hook raises instead replaces it."""
        left = self._leave(error)
        if left is not None and left is not error:
            raise left
        return False

    def __enter__(self) -> None:
        self._enter()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        return self._exit(exc_val)

    async def __aenter__(self) -> None:
        self._enter()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        return self._exit(exc_val)


class DirectHooks(SchemaExtensionsRunner):
    """Strawberry's runner, with the stages whose hooks are all generators run by `_Stage`."""

    def _stage(self, name: str) -> _Stage | None:
        hooks: list[tuple[Hook, SchemaExtension]] = []
        for extension in self.extensions:
            hook = _hook_of(type(extension), name)
            if hook is False:
                return None
            if hook is not None:
                hooks.append((hook, extension))  # type: ignore[arg-type]
        return _Stage(hooks)

    def operation(self) -> Any:
        return self._stage("on_operation") or super().operation()

    def validation(self) -> Any:
        return self._stage("on_validate") or super().validation()

    def parsing(self) -> Any:
        return self._stage("on_parse") or super().parsing()

    def executing(self) -> Any:
        return self._stage("on_execute") or super().executing()
