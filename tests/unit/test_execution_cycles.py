"""A finished operation is freed by reference counting, without waiting for the collector.

Anything the executor reaches (the request, its context, the whole operation's state)
that only the cycle collector can free is freed late, by a full collection that stops
every request in flight; see schema/execution.py.
"""

from __future__ import annotations

import gc
import weakref

from schema.root import build_schema


class _Context:
    """Stands in for the request context: the executor holds it for the operation."""


async def test_an_operation_and_its_context_are_freed_as_soon_as_it_finishes() -> None:
    schema = build_schema()
    assert (await schema.execute("query Warm { __typename }")).errors is None
    gc.collect()
    gc.disable()
    try:
        context = _Context()
        freed = weakref.ref(context)
        result = await schema.execute("query Once { __typename }", context_value=context)
        assert result.data == {"__typename": "Query"}
        del context, result
        assert freed() is None, "something in the executor still refers to itself"
    finally:
        gc.enable()
