"""PostgreSQL through SQLAlchemy asyncio: tables, tenant-bound repositories, unit of work."""
