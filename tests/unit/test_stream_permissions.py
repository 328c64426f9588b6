"""A subscription checks each event against the token, at the gateway's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.clock import ManualClock
from domain.customers import CustomerCreated
from domain.errors import Unauthenticated
from domain.identity import Permission, Principal
from schema.permissions import event_reader

EXPIRY = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _created() -> CustomerCreated:
    return CustomerCreated(
        aggregate_id="CUST-1",
        tenant_id="t1",
        occurred_at=EXPIRY - timedelta(hours=1),
        party_id=None,
        name="Ada Lovelace",
        email=None,
        phone=None,
        billing_terms_id=None,
        version=1,
    )


def test_a_token_is_read_at_the_gateways_clock_and_ends_the_stream_once_it_expired() -> None:
    clock = ManualClock(EXPIRY - timedelta(seconds=1))
    principal = Principal("u1", "t1", frozenset({Permission.to_read("customer")}), EXPIRY)
    may_see = event_reader(principal, clock)

    assert may_see(_created())
    clock.advance(timedelta(seconds=1))
    with pytest.raises(Unauthenticated, match="expired"):
        may_see(_created())


def test_an_event_the_token_may_not_read_is_held_back() -> None:
    principal = Principal("u1", "t1", frozenset({Permission.SERVICE_ORDER_READ}))
    assert not event_reader(principal, ManualClock(EXPIRY))(_created())
