"""The direct mutations stand in for the schema's own extensions only: with any other
extension (a directive's, one a later change adds), every mutation takes Strawberry's
way, which runs that extension's hooks."""

from __future__ import annotations

from strawberry.extensions import SchemaExtension

from schema.direct_mutations import DirectMutations
from schema.known_operations import KnownOperations
from schema.root import build_schema

MUTATION = 'mutation { releaseReservation(reservationId: "RES-1") { reservation { status } } }'


class Watching(SchemaExtension):
    """An extension the direct way knows nothing of."""


async def test_another_extension_sends_every_mutation_to_strawberry() -> None:
    schema = build_schema()
    schema.extensions = [*schema.extensions, Watching]
    direct = DirectMutations(schema, KnownOperations(schema), None)
    assert await direct.execute(MUTATION, None, None, None, context=None) is None


async def test_a_query_is_not_a_direct_mutation() -> None:
    schema = build_schema()
    operations = KnownOperations(schema)
    direct = DirectMutations(schema, operations, None)
    assert await direct.execute("query Q { __typename }", None, None, None, context=None) is None
    assert operations.seen("query Q { __typename }", None) is not None
