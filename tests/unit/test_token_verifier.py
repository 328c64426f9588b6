"""A verified token is remembered, but never past its expiry."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest

from gateway.auth import TokenRejected, TokenVerifier, issue_token

SECRET = "unit-secret-0123456789-0123456789-0123456789"


async def test_a_token_seen_before_is_not_verified_again() -> None:
    verifier = TokenVerifier(SECRET)
    bearer = "Bearer " + issue_token(SECRET, tenant="t", user="u", permissions=["p"])
    first = await verifier.principal(bearer)
    assert await verifier.principal(bearer) is first
    assert (first.tenant_id, first.user_id, first.permissions) == ("t", "u", frozenset({"p"}))


async def test_a_remembered_token_is_refused_once_it_expires() -> None:
    verifier = TokenVerifier(SECRET)
    token = issue_token(SECRET, tenant="t", user="u", permissions=[], ttl_seconds=1)
    await verifier.principal(f"Bearer {token}")
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
    await asyncio.sleep(max(0.0, expiry - time.time()) + 0.05)
    with pytest.raises(TokenRejected, match="expired"):
        await verifier.principal(f"Bearer {token}")


async def test_a_token_with_a_forged_signature_is_refused_even_beside_a_remembered_one() -> None:
    verifier = TokenVerifier(SECRET)
    token = issue_token(SECRET, tenant="t", user="u", permissions=[])
    await verifier.principal(f"Bearer {token}")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(TokenRejected):
        await verifier.principal(f"Bearer {forged}")
