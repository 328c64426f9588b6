"""The PostgreSQL session behind a pooled connection, and what a database restart or an
idle-session timeout does to it."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def backend_of(engine: AsyncEngine) -> int:
    """The backend pid of the connection the pool hands out next."""
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def kill(admin: AsyncEngine, pid: int) -> None:
    """End backend `pid` from another session, as a restart or a timeout would."""
    async with admin.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
