"""Rows by the thousand in one statement (the CSV import): ``COPY`` on PostgreSQL, one
executemany on SQLite, with ids drawn up front so no INSERT needs RETURNING (which falls
back to one statement per row on SQLite)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, insert, text

from mailflow.actions.context import ActionContext


def insert_many(ctx: ActionContext, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: ``COPY … FROM STDIN`` on the transaction's connection (psycopg's
    executemany would send one INSERT per row); SQLite: one executemany."""
    if not rows:
        return
    ctx.session.flush()  # pending ORM rows first, as ActionContext.execute does
    if ctx.session.get_bind().dialect.name != "postgresql":
        ctx.session.execute(insert(table), rows)
        return
    names = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    raw = ctx.session.connection().connection.driver_connection
    assert raw is not None
    columns = ", ".join(f'"{n}"' for n in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_columns else row[n] for n in names])


def allocate_ids(ctx: ActionContext, table: str, n: int) -> list[int]:
    """``n`` fresh ids of ``table``: PostgreSQL draws them from the sequence; SQLite
    continues after the highest id, safe because this transaction holds the write lock
    (``BEGIN IMMEDIATE``) until it commits."""
    if ctx.session.get_bind().dialect.name == "postgresql":
        drawn = ctx.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table, "n": n},
        )
        return [int(row[0]) for row in drawn]
    top = ctx.session.execute(text(f'SELECT coalesce(max(id), 0) FROM "{table}"')).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + n))
