"""Checks `gateway serve` makes before serving: every external service answers, and fast.

A missing or unreachable setting stops start-up with a message that names the setting,
instead of a server that starts and then fails its first request.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import make_url

from gateway.settings import Settings
from persistence.database import create_engine, ping
from persistence.migrate import heads
from subscriptions.topics import BrokerLink

REACHABLE_WITHIN_SECONDS = 5


class SettingProblem(Exception):
    """A setting is missing or points nowhere; the message names the setting."""


async def check_database(url: str) -> None:
    """Fail unless the database answers within seconds and carries every migration."""
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        async with asyncio.timeout(REACHABLE_WITHIN_SECONDS):
            await ping(engine)
            current, expected = await heads(engine, url)
    except Exception as error:
        raise SettingProblem(f"DATABASE_URL: cannot reach {shown}: {error!r}") from error
    finally:
        await engine.dispose()
    if current != expected:
        raise SettingProblem(
            f"DATABASE_URL: {shown} is at migration {sorted(current) or 'none'}, the code needs "
            f"{sorted(expected)}; run `gateway migrate` (or `gateway serve --migrate`)"
        )


async def check_broker(settings: Settings) -> None:
    assert settings.kafka_bootstrap_servers
    link = BrokerLink(settings.kafka_bootstrap_servers, settings.kafka_client_id)
    try:
        async with asyncio.timeout(REACHABLE_WITHIN_SECONDS):
            await link.start()
            await link.ping()
    except Exception as error:
        raise SettingProblem(
            f"KAFKA_BOOTSTRAP_SERVERS: cannot reach {settings.kafka_bootstrap_servers}: {error!r}"
        ) from error
    finally:
        await link.close()
