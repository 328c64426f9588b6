"""Answers a query from SQL when it can, before graphql-core completes a single field.

Validation, the depth, token, alias and cost limits, introspection's gate and the
error masking all ran before execution begins, and run the same for both paths. The
planner then decides, once per document, operation, permission set and tenant, whether
every field the operation could select is planned and readable by the caller (the
verdict is kept, up to `size` of them). A planned request reads each root field with
one statement (persistence/json_reads) and its response is those statements' text.
An operation that declares no variables selects the same fields with the same arguments
on every request, so what it selects is resolved once and kept too (up to `size`).

Anything else runs through Strawberry unchanged, and so does a planned request whose
answer would be an error (an id the tenant does not have, a page out of range, a
database that failed): the ordinary path answers it with exactly the error it gives
today, at the price of one more statement for that request.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from graphql import OperationType

from domain.errors import DomainError
from domain.read_shapes import RootRead, Selected, Unplannable
from resolvers.planned_reads import documents
from schema.planning.response import PlannedData
from schema.planning.roots import with_domain_arguments
from schema.planning.selection import check, selected

log = logging.getLogger("gateway.planned_reads")
Verdict = tuple[str, str | None, frozenset[str], str]
Operation = tuple[str, str | None]


class ReadPlanner:
    def __init__(self, size: int = 256):
        self._size = size
        self._verdicts: OrderedDict[Verdict, bool] = OrderedDict()
        self._selections: OrderedDict[Operation, tuple[Selected, ...]] = OrderedDict()

    def plannable(self, executor: Any) -> bool:
        """Whether `executor`'s operation is answered here, for its caller."""
        operation = executor.operation
        principal = executor.context_value.principal
        if operation.operation != OperationType.QUERY or principal is None or operation.loc is None:
            return False
        key = (
            operation.loc.source.body,
            operation.name.value if operation.name else None,
            principal.permissions,
            principal.tenant_id,
        )
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = self._check(executor, principal)
            if len(self._verdicts) > self._size:
                self._verdicts.popitem(last=False)
        else:
            self._verdicts.move_to_end(key)
        return verdict

    def _check(self, executor: Any, principal: Any) -> bool:
        try:
            check(
                executor.schema,
                executor.schema.query_type,
                executor.operation.selection_set,
                executor.fragment_definitions,
                principal,
            )
        except Unplannable as reason:
            log.debug("not planned: %s", reason)
            return False
        return True

    async def read(self, executor: Any) -> PlannedData | None:
        """The operation's data, or None to let the ordinary path answer it."""
        context = executor.context_value
        try:
            roots = self._selected(executor)
        except (Unplannable, DomainError) as reason:
            log.debug("not planned for these variables: %s", reason)
            return None
        now = context.clock.now()
        reads = [RootRead(root, now) for root in roots]
        try:
            texts = await documents(context.reading_uow, reads)
        except Exception:
            log.warning("a planned read failed; answering it the ordinary way", exc_info=True)
            return None
        if any(text is None for text in texts):
            return None
        return PlannedData(zip((root.key for root in roots), texts, strict=True))  # type: ignore[misc]

    def _selected(self, executor: Any) -> tuple[Selected, ...]:
        """The root fields the request selects, with their resolvers' arguments; kept for
        an operation without variables, where they cannot change between requests."""
        operation = executor.operation
        key = None
        if not operation.variable_definitions:
            key = (operation.loc.source.body, operation.name.value if operation.name else None)
            if (kept := self._selections.get(key)) is not None:
                self._selections.move_to_end(key)
                return kept
        roots = tuple(
            with_domain_arguments(root)
            for root in selected(
                executor.schema.query_type,
                operation.selection_set,
                executor.fragment_definitions,
                executor.variable_values,
            )
        )
        if key is not None:
            self._selections[key] = roots
            if len(self._selections) > self._size:
                self._selections.popitem(last=False)
        return roots
