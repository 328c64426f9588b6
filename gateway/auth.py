"""Bearer tokens: HS256 with a shared secret, or RS256 through a JWKS URL.

Claims: `sub` (the user), `tenant_id`, `permissions` (a list of strings). A token that
is missing, expired, badly signed or lacks a claim makes the caller anonymous with a
reason; the first protected field then answers UNAUTHENTICATED with that reason.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jwt

from domain.identity import Principal
from gateway.settings import Settings


class TokenRejected(Exception):
    """The token cannot be trusted; the message says why in words a developer can act on."""


VERIFIED_TOKENS = 4096
REVERIFY_SECONDS = 300


@dataclass
class TokenVerifier:
    """Verifies bearer tokens, remembering the ones it verified.

    A client sends the same token with every request; checking its signature each time
    cost more than a tenth of a simple mutation. A verified token is trusted again until
    it expires, or for REVERIFY_SECONDS at most (so a signing key withdrawn from the JWKS
    stops being honoured within minutes); the most recent VERIFIED_TOKENS are kept.
    """

    secret: str | None
    jwks_url: str | None = None
    audience: str | None = None
    issuer: str | None = None

    def __post_init__(self) -> None:
        self._jwks = jwt.PyJWKClient(self.jwks_url, cache_keys=True) if self.jwks_url else None
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    async def principal(self, authorization: str | None) -> Principal:
        if not authorization:
            raise TokenRejected(
                "Sign in: send 'Authorization: Bearer <token>' (in dev, `gateway token` "
                "prints one)."
            )
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise TokenRejected("The Authorization header must be 'Bearer <token>'.")
        remembered = self._verified.get(token)
        if remembered is not None and time.time() < remembered[1]:
            self._verified.move_to_end(token)
            return remembered[0]
        principal = await self._verify(token)
        assert principal.expires_at is not None
        trust_until = min(principal.expires_at.timestamp(), time.time() + REVERIFY_SECONDS)
        self._verified[token] = (principal, trust_until)
        if len(self._verified) > VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> Principal:
        claims = await self._decode(token)
        tenant = claims.get("tenant_id")
        permissions = claims.get("permissions", [])
        if not isinstance(tenant, str) or not tenant:
            raise TokenRejected("The token has no 'tenant_id' claim.")
        if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
            raise TokenRejected("The token's 'permissions' claim must be a list of strings.")
        return Principal(
            user_id=str(claims["sub"]),
            tenant_id=tenant,
            permissions=frozenset(permissions),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )

    async def _decode(self, token: str) -> dict:
        options = {"require": ["sub", "exp"]}
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") == "RS256" and self._jwks is not None:
                # PyJWKClient fetches with blocking urllib; keep it off the event loop.
                signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
                key = signing_key.key
                return jwt.decode(
                    token,
                    key,
                    algorithms=["RS256"],
                    audience=self.audience,
                    issuer=self.issuer,
                    options=options,
                )
            if header.get("alg") == "HS256" and self.secret:
                return jwt.decode(
                    token,
                    self.secret,
                    algorithms=["HS256"],
                    audience=self.audience,
                    issuer=self.issuer,
                    options=options,
                )
            raise TokenRejected(f"Tokens signed with {header.get('alg')!r} are not accepted here.")
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected("The token has expired; get a new one.") from error
        except jwt.PyJWKClientError as error:
            raise TokenRejected(f"The token's signing key could not be found: {error}") from error
        except jwt.InvalidTokenError as error:
            raise TokenRejected(f"The token is not valid: {error}") from error


def issue_token(
    secret: str,
    *,
    tenant: str,
    user: str,
    permissions: Iterable[str],
    ttl_seconds: int = 8 * 3600,
) -> str:
    now = int(time.time())
    claims = {
        "sub": user,
        "tenant_id": tenant,
        "permissions": sorted(set(permissions)),
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def signing_secret(settings: Settings, *, create: bool) -> str | None:
    """JWT_SECRET, else (dev) the secret kept in the data folder, made on first use.

    `gateway dev` and `gateway token` read the same file, so printed tokens work against
    the dev server without configuring anything.
    """
    if settings.jwt_secret:
        return settings.jwt_secret
    path: Path = settings.dev_secret_file
    if path.exists():
        return path.read_text().strip()
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets.token_urlsafe(48))
    path.chmod(0o600)
    return path.read_text().strip()
