"""Token buckets per user and per tenant: bursts pass, the next request waits its turn."""

from __future__ import annotations

import pytest

from domain.identity import Principal
from gateway.rate_limits import RateLimited, RateLimits


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def caller(user: str = "ann", tenant: str = "t-1") -> Principal:
    return Principal(user, tenant, frozenset())


def test_a_user_gets_a_burst_of_a_tenth_of_the_minute_then_waits_for_the_next_token() -> None:
    clock = Clock()
    limits = RateLimits(per_user_per_minute=60, per_tenant_per_minute=0, now=clock)
    for _ in range(6):
        limits.take(caller())
    with pytest.raises(RateLimited) as refused:
        limits.take(caller())
    assert (refused.value.status_code, refused.value.retry_after) == (429, pytest.approx(1.0))
    clock.now = 1.0
    limits.take(caller())
    with pytest.raises(RateLimited):
        limits.take(caller())


def test_the_tenant_budget_is_shared_and_other_tenants_are_not_touched() -> None:
    limits = RateLimits(per_user_per_minute=0, per_tenant_per_minute=30, now=Clock())
    for user in ("ann", "bob", "cy"):
        limits.take(caller(user))
    with pytest.raises(RateLimited):
        limits.take(caller("dee"))
    limits.take(caller("dee", tenant="t-2"))


def test_a_refused_request_takes_nothing_and_no_budget_means_no_limit() -> None:
    clock = Clock()
    limits = RateLimits(per_user_per_minute=10, per_tenant_per_minute=600, now=clock)
    limits.take(caller())
    for _ in range(5):
        with pytest.raises(RateLimited):
            limits.take(caller())
    clock.now = 6.0
    limits.take(caller())
    unlimited = RateLimits(per_user_per_minute=0, per_tenant_per_minute=0, now=Clock())
    for _ in range(10_000):
        unlimited.take(caller())
