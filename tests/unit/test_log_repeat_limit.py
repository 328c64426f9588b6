"""The same warning repeated is logged a few times per window, then says how many it held."""

from __future__ import annotations

import logging

from gateway.logging import RepeatLimit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(message: str, level: int = logging.WARNING, *args: object) -> logging.LogRecord:
    return logging.LogRecord("aiokafka", level, __file__, 1, message, args, None)


def test_a_flood_of_one_warning_passes_a_burst_per_window_then_counts_what_it_held() -> None:
    clock = Clock()
    limit = RepeatLimit(burst=3, window=10, now=clock)
    passed = [limit.filter(record("Unable connect to %s", logging.WARNING, n)) for n in range(170)]
    assert passed.count(True) == 3
    clock.now = 10.5
    resumed = record("Unable connect to %s", logging.WARNING, "broker")
    assert limit.filter(resumed)
    assert resumed.getMessage() == "Unable connect to broker (167 more like it held back)"


def test_other_messages_and_info_lines_are_not_held() -> None:
    limit = RepeatLimit(burst=1, window=10, now=Clock())
    assert limit.filter(record("relay retrying"))
    assert not limit.filter(record("relay retrying"))
    assert limit.filter(record("publish failed"))
    assert all(limit.filter(record("started", logging.INFO)) for _ in range(50))
