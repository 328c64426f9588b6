"""Request budgets per tenant and per user, so one caller cannot take a replica for itself.

Each budget is a token bucket: `per_minute` requests a minute on average, and bursts of up
to a tenth of that at once. A request takes one token from its user's bucket and one from
its tenant's; if either is empty it is refused with RATE_LIMITED (HTTP 429) and a
`Retry-After` saying when the next token comes, and takes nothing. Budgets are kept per
replica (behind a load balancer of N replicas a caller gets up to N times the budget), so
no shared store sits on every request's path. A budget of 0 is off.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from cross_web import HTTPException

from domain.identity import Principal

BURST_SHARE = 0.1
MOST_BUCKETS = 10_000
"""Buckets kept before the full (idle) ones are forgotten: memory stays bounded."""


class RateLimited(HTTPException):
    def __init__(self, retry_after: float):
        super().__init__(
            429,
            "Too many requests; wait "
            f"{math.ceil(retry_after)} s (Retry-After) and send the request again.",
        )
        self.retry_after = retry_after


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimits:
    def __init__(
        self,
        per_user_per_minute: int,
        per_tenant_per_minute: int,
        now: Callable[[], float] = time.monotonic,
    ):
        self._budgets = {"user": per_user_per_minute, "tenant": per_tenant_per_minute}
        self._now = now
        self._buckets: dict[tuple[str, ...], _Bucket] = {}

    def take(self, principal: Principal) -> None:
        """Spend one request of the caller's budgets, or raise RateLimited."""
        now = self._now()
        keys = {
            "user": ("user", principal.tenant_id, principal.user_id),
            "tenant": ("tenant", principal.tenant_id),
        }
        buckets = []
        wait = 0.0
        for kind, per_minute in self._budgets.items():
            if per_minute <= 0:
                continue
            bucket = self._refilled(keys[kind], per_minute, now)
            buckets.append(bucket)
            if bucket.tokens < 1:
                wait = max(wait, (1 - bucket.tokens) * 60 / per_minute)
        if wait:
            raise RateLimited(wait)
        for bucket in buckets:
            bucket.tokens -= 1

    def _refilled(self, key: tuple[str, ...], per_minute: int, now: float) -> _Bucket:
        capacity = max(1.0, per_minute * BURST_SHARE)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MOST_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * per_minute / 60)
        bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        for key in list(self._buckets):
            kind = key[0]
            per_minute = self._budgets[kind]
            bucket = self._buckets[key]
            refilled = bucket.tokens + (now - bucket.updated) * per_minute / 60
            if refilled >= max(1.0, per_minute * BURST_SHARE):
                del self._buckets[key]
