"""Checks that keep the code base honest: lint, layers, the committed SDL, migrations."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
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


def _module_names(package: str) -> dict[str, Path]:
    """Every module of `package` by its dotted name (a package by its own name)."""
    names: dict[str, Path] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _imported(module: str, path: Path, known: Mapping[str, Path]) -> set[str]:
    """The modules of `known` that `module` imports, wherever the import statement is
    (under `if TYPE_CHECKING:` or inside a function too): a circle is one either way."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in known)
    found.discard(module)
    return found


def _circles(imports: Mapping[str, set[str]]) -> Iterator[list[str]]:
    """The circles a depth-first walk meets (one at least in every tangle), each as the
    modules along it back to the first."""
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> Iterator[list[str]]:
        for imported in sorted(imports[module]):
            if imported in path:
                yield [*path[path.index(imported) :], imported]
            elif imported not in done:
                yield from walk(imported, [*path, imported])
        done.add(module)

    for module in sorted(imports):
        if module not in done:
            yield from walk(module, [module])


def test_the_domain_has_no_import_circle() -> None:
    known = _module_names("domain")
    imports = {module: _imported(module, path, known) for module, path in known.items()}
    circles = [" -> ".join(circle) for circle in _circles(imports)]
    assert circles == [], "untangle these import circles in domain/:\n" + "\n".join(circles)


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


def test_the_readme_and_docs_link_only_to_files_in_the_repository() -> None:
    """A reader of the repository has nothing beside it: a link to `../shared/...` or a
    moved doc is a dead end."""
    dead = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if re.match(r"[a-z]+:", target):
                continue
            linked = (page.parent / target).resolve()
            if not linked.is_relative_to(ROOT) or not linked.exists():
                dead.append(f"{page.relative_to(ROOT)}: {target}")
    assert dead == []
