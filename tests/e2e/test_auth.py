"""Authentication and permissions over real HTTP: HS256 secrets and RS256 through JWKS."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from domain.identity import Permission
from tests.conftest import JWT_SECRET, Api, RunningGateway, Served, Services, settings_for

SEARCH = '{ searchCustomers(query: "x") { items { customerId } } }'


async def test_a_request_without_a_token_is_unauthenticated(api: Api) -> None:
    body = await api(SEARCH, authorize=False)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in error["message"]


async def test_an_expired_token_is_unauthenticated_and_says_so(api: Api) -> None:
    expired = jwt.encode(
        {"sub": "u", "tenant_id": api.tenant, "permissions": [], "exp": int(time.time()) - 60},
        JWT_SECRET,
        algorithm="HS256",
    )
    body = await api(SEARCH, token_value=expired)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in body["errors"][0]["message"]


async def test_a_token_signed_with_another_secret_is_unauthenticated(api: Api) -> None:
    forged = jwt.encode(
        {"sub": "u", "tenant_id": api.tenant, "permissions": ["*"], "exp": int(time.time()) + 60},
        "not-our-secret-" * 4,
        algorithm="HS256",
    )
    assert await api.error_codes(SEARCH, token_value=forged) == ["UNAUTHENTICATED"]


async def test_a_token_without_a_tenant_is_unauthenticated(api: Api) -> None:
    tenantless = jwt.encode(
        {"sub": "u", "permissions": [], "exp": int(time.time()) + 60}, JWT_SECRET, algorithm="HS256"
    )
    body = await api(SEARCH, token_value=tenantless)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "tenant_id" in body["errors"][0]["message"]


async def test_a_missing_permission_is_forbidden_and_names_it(api: Api) -> None:
    reader = api.as_tenant(api.tenant, permissions=[Permission.CUSTOMER_READ])
    assert (await reader.data(SEARCH))["searchCustomers"]["items"] == []
    body = await reader('mutation { createCustomer(input: {name: "Ann"}) { customerId } }')
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert Permission.CUSTOMER_WRITE in error["message"]
    assert body["data"] is None


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
async def jwks_url(rsa_key: rsa.RSAPrivateKey) -> AsyncIterator[str]:
    """A real JWKS endpoint on loopback, as an identity provider would publish it."""
    public = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    keys = {"keys": [{**public, "kid": "test-key", "use": "sig", "alg": "RS256"}]}

    async def jwks(request: object) -> JSONResponse:
        return JSONResponse(keys)

    async with Served(Starlette(routes=[Route("/jwks", jwks)])) as served:
        yield f"{served.url}/jwks"


async def test_an_rs256_token_verified_through_jwks_is_accepted(
    services: Services, database_url: str, jwks_url: str, rsa_key: rsa.RSAPrivateKey
) -> None:
    # A second gateway in the session: it stays out of the shared inbound group.
    settings = settings_for(services, jwt_secret=None, jwt_jwks_url=jwks_url, inbound_enabled=False)
    claims = {
        "sub": "u-9",
        "tenant_id": "t-rs256",
        "permissions": [Permission.CUSTOMER_READ],
        "exp": int(time.time()) + 300,
    }
    good = jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": "test-key"})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "test-key"})
    async with RunningGateway(settings) as running, httpx.AsyncClient(base_url=running.url) as h:
        api = Api(h, "t-rs256")
        assert (await api(SEARCH, token_value=good)).get("errors") is None
        assert await api.error_codes(SEARCH, token_value=forged) == ["UNAUTHENTICATED"]
