"""A document the gateway has seen is neither parsed nor validated again."""

from __future__ import annotations

from strawberry.extensions.validation_cache import _get_validate_cache

from schema.root import Limits, build_schema

CACHE_SIZE = 97  # a size of its own: Strawberry shares one validation cache per size


async def test_the_same_document_is_validated_once_across_requests() -> None:
    schema = build_schema(Limits(validation_cache_size=CACHE_SIZE))
    cache = _get_validate_cache(CACHE_SIZE)
    cache.cache_clear()
    for _ in range(3):
        result = await schema.execute("query Twice { __typename }")
        assert result.errors is None
    assert (cache.cache_info().misses, cache.cache_info().hits) == (1, 2)
