"""Checks that keep the code base honest: lint, layers, the committed SDL, migrations."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import metadata
from schema.root import build_schema

ROOT = Path(__file__).resolve().parent.parent
SDL = ROOT / "schema" / "schema.graphql"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[dev]'"
    return found


def _run(*argv: str) -> None:
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}"


def test_ruff_finds_no_lint_errors() -> None:
    _run(_tool("ruff"), "check", ".")


def test_the_code_is_formatted_with_ruff() -> None:
    _run(_tool("ruff"), "format", "--check", ".")


def test_imports_follow_the_layer_contract_of_the_architecture() -> None:
    _run(_tool("lint-imports"))


def test_the_committed_sdl_matches_the_code() -> None:
    assert SDL.read_text() == str(build_schema()) + "\n", (
        "schema/schema.graphql is out of date: run `gateway schema > schema/schema.graphql` "
        "and review the diff"
    )


async def test_the_migrations_build_exactly_the_tables_the_code_declares(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    assert differences == [], "write a migration: gateway revision -m '...'"


def test_the_readme_configuration_table_lists_every_setting() -> None:
    from gateway.settings import Settings

    readme = (ROOT / "README.md").read_text()
    missing = [n.upper() for n in Settings.model_fields if f"| `{n.upper()}` |" not in readme]
    assert missing == [], f"add these settings to README's configuration table: {missing}"
