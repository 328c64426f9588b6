"""Consumer-group timing: Kafka's defaults unless configured, and only a sane pair."""

from __future__ import annotations

import pytest

from gateway.settings import Settings
from subscriptions.consumer_groups import GroupTiming


def test_the_gateway_keeps_kafkas_group_timing_unless_told_otherwise() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    timing = GroupTiming(settings.kafka_session_timeout_ms, settings.kafka_heartbeat_interval_ms)
    assert timing.consumer_options() == {
        "session_timeout_ms": 10_000,
        "heartbeat_interval_ms": 3_000,
    }


@pytest.mark.parametrize(("session", "heartbeat"), [(1_000, 1_000), (1_000, 0), (500, 800)])
def test_a_heartbeat_not_below_the_session_timeout_is_refused(session: int, heartbeat: int) -> None:
    with pytest.raises(ValueError, match="heartbeat"):
        GroupTiming(session, heartbeat)
