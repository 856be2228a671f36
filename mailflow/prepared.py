"""Hot statements run straight on the driver's cursor.

SQLAlchemy compiles a Core statement once (its compiled cache), but every execution still
builds a cache key, an execution context and a result, and for the hot path of an inbound
reply (a dozen small INSERTs and UPDATEs per reply, replies applied by the batch) that
cost more than the database's own work. :func:`run` compiles a statement once per dialect
(and, for an INSERT, per set of columns given), converts each run's parameters with the
columns' own bind processors and hands SQL and values to the driver's cursor on the
transaction's connection: the same SQL and the same stored values as
``Connection.execute``, about a third of the time.

Only for statements whose results need no conversion (ids, counts, row counts) and that
have no Python-side column defaults to fill in or ``IN`` lists to expand; anything else
runs through ``Connection.execute`` as usual (:func:`run` decides once per statement).
Cursor-level engine events (``before_cursor_execute``) do not see these statements.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert

_MAX_STATEMENTS = 256  # module-level constants in practice; never an unbounded cache


@dataclass(frozen=True)
class _Plan:
    sql: str
    names: tuple[str, ...] | None  # positional order of the binds; None: named (pyformat)
    convert: dict[str, Any]  # bind name → its type's bind processor
    compiled: SQLCompiler


class Ran:
    """What a run returns: the row count and the returned rows, unconverted."""

    def __init__(self, rowcount: int, rows: list[tuple[Any, ...]]) -> None:
        self.rowcount = rowcount
        self._rows = rows

    def scalar_one(self) -> Any:
        if len(self._rows) != 1:
            raise ValueError(f"expected one row, got {len(self._rows)}")
        return self._rows[0][0]

    def scalars(self) -> Iterator[Any]:
        return (row[0] for row in self._rows)

    def all(self) -> list[tuple[Any, ...]]:
        return list(self._rows)


_plans: dict[tuple[int, str, tuple[str, ...]], _Plan | None] = {}
_statements: dict[int, Executable] = {}  # keeps each planned statement (and its id) alive
_lock = threading.Lock()


def run(conn: Connection, statement: Executable, params: dict[str, Any]) -> Ran | Any:
    """``statement`` with ``params`` on ``conn``'s transaction; a :class:`Ran`, or for a
    statement this cannot run, ``Connection.execute``'s own result."""
    columns = tuple(sorted(params)) if isinstance(statement, Insert) else ()
    key = (id(statement), conn.dialect.name, columns)
    if key in _plans:
        plan = _plans[key]
    else:
        plan = _plan(conn, statement, columns)
        with _lock:
            if len(_plans) < _MAX_STATEMENTS:
                _statements[id(statement)] = statement
                _plans[key] = plan
    if plan is None:
        return conn.execute(statement, params)
    values = plan.compiled.construct_params(params, _check=False)
    for name, convert in plan.convert.items():
        values[name] = convert(values[name])
    args: Any = values if plan.names is None else [values[n] for n in plan.names]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(plan.sql, args)
        rows = list(cursor.fetchall()) if cursor.description else []
        return Ran(cursor.rowcount, rows)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            plan.sql, args, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from exc
    finally:
        cursor.close()


def _plan(conn: Connection, statement: Executable, columns: tuple[str, ...]) -> _Plan | None:
    dialect = conn.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(columns) or None)  # type: ignore[attr-defined]
    assert isinstance(compiled, SQLCompiler)
    binds = compiled.binds.values()
    if (
        any(b.expanding for b in binds)  # IN lists are rendered per execution
        or compiled.insert_prefetch  # Python-side defaults to compute
        or compiled.update_prefetch
        or any(
            c.type.dialect_impl(dialect).result_processor(dialect, None) is not None
            for c in _returned(statement)
        )
    ):
        return None
    convert: dict[str, Any] = {}
    for bind in binds:
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            convert[compiled.bind_names[bind]] = processor
    names = tuple(compiled.positiontup or ()) if dialect.positional else None
    return _Plan(compiled.string, names, convert, compiled)


def _returned(statement: Executable) -> list[Any]:
    returning = getattr(statement, "_returning", ())
    if returning:
        return list(returning)
    if getattr(statement, "is_select", False):
        return list(statement.selected_columns)  # type: ignore[attr-defined]
    return []
