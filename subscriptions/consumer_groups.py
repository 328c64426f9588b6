"""How soon a consumer group notices a member arrive or go: its session timing.

The broker drops a member that sent no heartbeat for the session timeout, and a group
(re)forming waits on that timing before it hands out partitions: with Kafka's defaults
(10 s session, 3 s heartbeat), which the gateway's settings keep, the embedded broker
answers a first join after about 5 s, and the join after a member left after up to
18 s. Production keeps the defaults, which ride out a stalled process; tests shorten
them so a started gateway or consumer holds its partitions within about a second.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GroupTiming:
    session_timeout_ms: int
    heartbeat_interval_ms: int

    def __post_init__(self) -> None:
        if not 0 < self.heartbeat_interval_ms < self.session_timeout_ms:
            raise ValueError("the heartbeat interval must be above 0 and below the session timeout")

    def consumer_options(self) -> dict[str, int]:
        """The keyword arguments of `AIOKafkaConsumer` this timing sets."""
        return {
            "session_timeout_ms": self.session_timeout_ms,
            "heartbeat_interval_ms": self.heartbeat_interval_ms,
        }
