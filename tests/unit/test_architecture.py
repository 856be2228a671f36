"""The architecture as tests: where writes happen and where imports sit.

The layer contract itself (nothing imports upward, rules stay pure) is import-linter's, run by
``make test`` (``lint-imports``; the contracts are in ``pyproject.toml``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mailflow"
WRITE_METHODS = {"add", "add_all", "delete", "commit", "flush", "merge", "bulk_save_objects"}
WRITE_STATEMENTS = {"insert", "update", "delete"}


def _modules(*folders: str) -> Iterator[tuple[str, ast.Module]]:
    for folder in folders:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            name = path.relative_to(PACKAGE.parent).with_suffix("").as_posix()
            yield name, ast.parse(path.read_text(), str(path))


def _is_session(node: ast.expr) -> bool:
    names = {"session", "s", "conn", "connection"}
    if isinstance(node, ast.Name):
        return node.id in names
    return isinstance(node, ast.Attribute) and node.attr in names


def _writes(tree: ast.Module) -> list[str]:
    """The write calls of a module: ``session.add(...)``-like methods on a session or
    connection, and SQL ``insert``/``update``/``delete`` statements imported from SQLAlchemy."""
    statements = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in {"sqlalchemy", "sqlmodel"}
        for alias in node.names
        if alias.name in WRITE_STATEMENTS
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in statements:
            found.append(f"{func.id}() l.{node.lineno}")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in WRITE_METHODS
            and _is_session(func.value)
        ):
            found.append(f"{ast.unparse(func)}() l.{node.lineno}")
    return found


def test_rules_and_queries_never_write() -> None:
    offenders = {name: w for name, tree in _modules("rules", "queries") if (w := _writes(tree))}
    assert offenders == {}


def test_only_actions_write_among_the_ways_in_and_services() -> None:
    folders = ("web", "inbound", "jobs", "csvio", "mail", "webhooks", "links")
    offenders = {name: w for name, tree in _modules(*folders) if (w := _writes(tree))}
    assert offenders == {}


def _function_imports(tree: ast.Module, lines: list[str]) -> Iterator[tuple[int, bool]]:
    """(line, commented) of every import inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    line = lines[sub.lineno - 1]
                    above = lines[sub.lineno - 2].strip() if sub.lineno > 1 else ""
                    yield sub.lineno, "#" in line or above.startswith("#")


# Imports inside a function outside the CLI: at most five, each commented; the count only
# goes down. PyNaCl for Ed25519 DKIM keys (signing, and doctor's check); prometheus_client
# and dramatiq's Prometheus middleware in the worker, which read their directory from the
# environment when first imported.
LATE_IMPORTS = 4


def test_imports_sit_at_the_top_outside_the_cli() -> None:
    """The CLI imports its sub-commands late, for its start-up time; elsewhere at most five
    imports sit in a function (an optional dependency), each saying why in a comment."""
    late, uncommented = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(("cli/", "db/migrations/")):
            continue
        text = path.read_text()
        for line, commented in _function_imports(ast.parse(text), text.splitlines()):
            late.append(f"{rel}:{line}")
            if not commented:
                uncommented.append(f"{rel}:{line}")
    assert len(late) <= LATE_IMPORTS, late
    if LATE_IMPORTS <= 5:
        assert uncommented == []
