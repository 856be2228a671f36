"""The inbound spool: on SQLite, received messages are stored in a file of their own.

SQLite has one writer at a time. The SMTP server answers 250 only once the raw message
is committed, so in the main database every store waited for whatever write held the
lock: a batch of replies being applied (tens of milliseconds), a CSV import, a sweep.
The sender waited with it, and with one connection sending reply after reply the server
and the workers took turns instead of working side by side. In a file of its own
(``<database>-inbound-spool<suffix>``, beside the database) a store waits only for other
stores and for the short statement that deletes moved messages.

Processing first moves spooled messages into ``inbound_email`` (:func:`move_in`), then
claims work there as before. A spooled message keeps its id: the spool's ids are kept
above every ``inbound_email`` id when the spool is opened, and the move inserts with the
same id, so the id the server hands to the job is the message's id. The move commits in
the main database before it deletes from the spool; a move cut short in between is
finished by the next one (a row already there with the same bytes is not inserted
again). A row there with the same id but other bytes (written some other way) never
costs a message: the spooled one gets a new id.

On PostgreSQL writers lock rows, not the database: messages are stored straight into
``inbound_email`` and there is no spool."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlmodel import col

from mailflow.db import READ_ONLY, Database
from mailflow.models import InboundEmail

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

log = logging.getLogger(__name__)
MOVE_BATCH = 200  # spooled messages moved per main-database transaction

_meta = MetaData()
_inbound = InboundEmail.__table__.c  # type: ignore[attr-defined]
spooled = Table(  # the raw-store columns of inbound_email, with their types
    "spooled",
    _meta,
    Column("id", Integer, primary_key=True),
    *(
        Column(name, _inbound[name].type, nullable=name in ("mail_from", "message_id"))
        for name in ("received_at", "channel", "mail_from", "rcpt_to", "message_id", "sha256")
    ),
    Column("size", Integer, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    sqlite_autoincrement=True,  # an id once used is never handed out again
)
_FIELDS = tuple(c.name for c in spooled.columns)
_TAKE = (
    select(spooled)
    .where(spooled.c.id > bindparam("b_after"))
    .order_by(spooled.c.id)
    .limit(bindparam("b_limit"))
)
_DROP = delete(spooled).where(spooled.c.id <= bindparam("b_upto"))
_STORE = insert(spooled)
_MOVED = select(col(InboundEmail.id), col(InboundEmail.sha256)).where(
    col(InboundEmail.id).in_(bindparam("b_ids", expanding=True))
)
_MOVE = insert(InboundEmail)


def path_for(database_url: str) -> Path | None:
    """The spool file beside a SQLite database file; None for PostgreSQL or memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    main = Path(url.database)
    return main.with_name(f"{main.stem}-inbound-spool{main.suffix or '.sqlite3'}")


class Spool:
    """The spool file of one SQLite database, for one process.

    Moved messages are deleted from the spool once it is quiet (a move that finds nothing
    new) or ``DROP_AT`` of them have piled up: during a stream of replies the delete would
    wait for the stores' write lock and its disk syncs batch after batch. Until then this
    process reads past them (``_moved``); another process finds them moved already."""

    DROP_AT = 1000

    def __init__(self, path: Path, main: Database) -> None:
        self.path = path
        self.db = Database(f"sqlite:///{path}")
        self._reader = self.db.engine.execution_options(**{READ_ONLY: True})
        _meta.create_all(self.db.engine)
        self._keep_ids_above(main)
        self._moved = 0  # every id up to here is in inbound_email
        self._dropped = 0  # and up to here deleted from the spool

    def _keep_ids_above(self, main: Database) -> None:
        with main.read() as s:
            floor = s.connection().execute(select(func.max(InboundEmail.id))).scalar() or 0
        with self.db.durable_transaction() as s:
            conn = s.connection()
            seq = conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'spooled'"))
            current = seq.scalar()
            if current is None:
                conn.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES ('spooled', :seq)"),
                    {"seq": floor},
                )
            elif current < floor:
                conn.execute(
                    text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'spooled'"),
                    {"seq": floor},
                )

    def store(self, values: dict[str, Any]) -> int:
        """Commit one message, synced to disk; returns its id."""
        with self.db.durable_transaction() as s:
            row_id = s.connection().execute(_STORE.returning(spooled.c.id), values).scalar()
        assert row_id is not None
        return int(row_id)

    def take(self, limit: int) -> list[dict[str, Any]]:
        """The oldest spooled messages this process has not moved yet."""
        with self._reader.connect() as conn:  # a read: no lock, sees the last commit
            found = conn.execute(_TAKE, {"b_after": self._moved, "b_limit": limit})
            return [dict(r) for r in found.mappings()]

    def moved(self, upto: int) -> None:
        """Every message up to id ``upto`` is in ``inbound_email`` now."""
        self._moved = max(self._moved, upto)

    def tidy(self, *, quiet: bool) -> None:
        """Delete the moved messages when the spool is quiet or they have piled up."""
        if self._moved > self._dropped and (quiet or self._moved - self._dropped >= self.DROP_AT):
            with self.db.transaction() as s:
                s.connection().execute(_DROP, {"b_upto": self._moved})
            self._dropped = self._moved

    def pending(self, *, after: int = 0) -> int:
        """Messages in the spool file with an id above ``after`` (moved ones not deleted
        yet included; ``after`` the highest id in ``inbound_email``: those not moved)."""
        count = select(func.count()).select_from(spooled).where(spooled.c.id > after)
        with self._reader.connect() as conn:
            return int(conn.execute(count).scalar_one())

    def close(self) -> None:
        """Deletes what this process moved, then lets the file go."""
        try:
            self.tidy(quiet=True)
        except Exception:  # the next quiet move deletes them; they are in inbound_email
            log.warning("moved messages stay in the spool for now", exc_info=True)
        self.db.dispose()


def store(rt: Runtime, values: dict[str, Any]) -> int:
    """Commit a received message (``InboundEmail``'s raw-store fields) durably; its id.

    Raises what the database raises; the caller turns that into "try again later"."""
    spool = rt.spool()
    if spool is not None:
        return spool.store(values)
    row = _row(values)
    del row["id"]  # PostgreSQL: from the table's sequence
    with rt.db.durable_transaction() as s:
        found = s.connection().execute(_MOVE.returning(col(InboundEmail.id)), row).scalar()
    assert found is not None
    return int(found)


def move_in(rt: Runtime) -> int:
    """Move every spooled message into ``inbound_email``; how many were moved. The spool
    deletes them later (see :class:`Spool`): at the latest on a move that finds none."""
    spool = rt.spool()
    if spool is None:
        return 0
    moved = 0
    while rows := spool.take(MOVE_BATCH):
        with rt.db.transaction() as s:
            conn = s.connection()
            there = dict(conn.execute(_MOVED, {"b_ids": [r["id"] for r in rows]}).all())
            new = []
            for row in rows:
                if row["id"] in there:
                    if there[row["id"]] == row["sha256"]:
                        continue  # moved before; the spool's delete was cut short
                    log.warning("inbound id %s is taken: the spooled one gets another", row["id"])
                    row = {**row, "id": None}  # SQLite hands out the next free id
                new.append(_row(row))
            if new:
                conn.execute(_MOVE, new)
        spool.moved(rows[-1]["id"])
        moved += len(rows)
    spool.tidy(quiet=moved == 0)
    return moved


def _row(values: dict[str, Any]) -> dict[str, Any]:
    row = {name: values.get(name) for name in _FIELDS}
    return {**row, "state": "received", "attempts": 0, "outcome": {}}
