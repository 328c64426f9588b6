"""A document the gateway has seen is neither parsed nor validated again, and what it
keeps stays bounded."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLSyntaxError, ValidationRule, specified_rules

from schema.documents import KnownDocuments
from schema.root import Limits, build_schema

SCHEMA = build_schema()._schema  # type: ignore[attr-defined]


class CountedRule(ValidationRule):
    """Counts the validations it takes part in."""

    runs = 0

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        CountedRule.runs += 1


@pytest.fixture(autouse=True)
def no_runs_yet() -> None:
    CountedRule.runs = 0


def test_the_same_text_is_parsed_and_validated_once() -> None:
    known = KnownDocuments(4, 4, 2000, [CountedRule])
    for _ in range(3):
        document = known.parsed("query Twice { __typename }")
        assert known.errors(SCHEMA, document, ()) == []
    assert known.parsed.cache_info().misses == 1
    assert CountedRule.runs == 1


def test_a_forgotten_document_is_validated_again() -> None:
    known = KnownDocuments(1, 1, 2000, [CountedRule])
    for text in ("{ __typename }", "query Other { __typename }", "{ __typename }"):
        known.errors(SCHEMA, known.parsed(text), ())
    assert CountedRule.runs == 3


def test_an_invalid_document_keeps_its_errors() -> None:
    known = KnownDocuments(4, 4, 2000, [])
    document = known.parsed("{ noSuchField }")
    first = known.errors(SCHEMA, document, tuple(specified_rules))
    assert [error.message for error in first] == [
        "Cannot query field 'noSuchField' on type 'Query'."
    ]
    assert known.errors(SCHEMA, document, tuple(specified_rules)) is first


def test_the_token_limit_holds_for_cached_parsing() -> None:
    known = KnownDocuments(4, 4, 3, [])
    for _ in range(2):
        with pytest.raises(GraphQLSyntaxError, match="more than 3 tokens"):
            known.parsed("{ a b c d }")


async def test_the_schema_answers_a_repeated_document_alike() -> None:
    schema = build_schema(Limits(max_depth=2))
    deep = "{ searchCustomers { items { vehicles { vin } } } }"
    for _ in range(2):
        result = await schema.execute(deep)
        assert result.errors is not None
        assert [error.extensions["code"] for error in result.errors] == [  # type: ignore[index]
            "GRAPHQL_VALIDATION_FAILED"
        ]
        assert (await schema.execute("{ __typename }")).data == {"__typename": "Query"}
