"""Schema migrations: the app, the CLI and the tests all migrate through this module."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Migrate from inside a running event loop (Alembic's env starts its own loop)."""
    await asyncio.to_thread(upgrade, database_url, revision)


def new_revision(database_url: str, message: str) -> None:
    """Write a migration that brings the database to the tables declared in code."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


async def heads(engine: AsyncEngine, database_url: str) -> tuple[set[str], set[str]]:
    """The migration heads the database is at, and the ones this code needs."""
    async with engine.connect() as connection:
        current = await connection.run_sync(
            lambda sync: set(MigrationContext.configure(sync).get_current_heads())
        )
    expected = set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())
    return current, expected
