"""``mailflow import partners|leads FILE``: validate every row, then upsert in batches
of ``BATCH`` rows, one transaction per batch. ``--dry-run`` only validates and reports.

Before anything is written the whole file is read once: text that is not UTF-8, a line
or cell beyond the limits (an unclosed quote swallows the rest of the file) or a column
named twice refuses the file as a whole (:class:`CsvRefused`, with its line), so such a
file never leaves a half import behind. A row that is only invalid is listed and skipped;
the first ``MAX_LISTED`` of them are kept with their reason, the rest are counted.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from pydantic import ValidationError

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.leads.ingest_batch import ingest_batch
from mailflow.actions.partners.invitations import (
    invitation_of,
    invite_partner,
    save_invited_partner,
)
from mailflow.actions.partners.save import save_contact, save_partner
from mailflow.csvio.progress import Progress
from mailflow.csvio.rows import PartnerRow, errors_of, lead_row, partner_row
from mailflow.runtime import Runtime

BATCH = 2_000
MAX_LISTED = 1_000  # bad rows kept with their reason; more are only counted
MAX_LINE = 1024 * 1024  # characters of one physical line


class CsvRefused(ValueError):
    """The file as a whole is not a CSV file we can read; nothing was imported."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), the first ones
    bad_rows: int = 0  # all of them

    def refuse(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        if len(self.bad) < MAX_LISTED:
            self.bad.append((line, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad": self.bad_rows,
        }


def _lines(handle: BinaryIO) -> Iterator[str]:
    """The file's lines as text: strict UTF-8 (a BOM is dropped), each line bounded."""
    number = 0
    while line := handle.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise CsvRefused(number, f"the line is longer than {MAX_LINE} bytes")
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            byte = line[exc.start]
            raise CsvRefused(
                number, f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8 (CSV UTF-8)"
            ) from None


@contextmanager
def _csv_rows(path: Path) -> Iterator[Iterator[tuple[int, dict[str | None, Any]]]]:
    """(line, cells by column) of every record after the header, which is checked; cells
    beyond the header are under ``None`` (``csv.DictReader``'s ``restkey``). A header
    with more semicolons than commas is a spreadsheet's semicolon file (``excel-de``)."""
    with path.open("rb") as handle:
        lines = _lines(handle)
        first = next(lines, "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.DictReader(itertools.chain([first], lines), delimiter=delimiter)

        def records() -> Iterator[tuple[int, dict[str | None, Any]]]:
            try:
                _check_header(reader.fieldnames or [])
                for row in reader:  # DictReader skips blank lines
                    yield reader.line_num, row
            except csv.Error as exc:
                limit = csv.field_size_limit()
                reason = (
                    f"a cell is longer than {limit} characters (is a quote never closed?)"
                    if "field larger" in str(exc)
                    else f"not readable as CSV ({exc})"
                )
                raise CsvRefused(reader.line_num, reason) from None

        yield records()


def _check_header(header: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in (n.strip() for n in header):
        if name and name in seen:
            raise CsvRefused(1, f"the column {name!r} is named twice")
        seen.add(name)


def _check_file(path: Path) -> int:
    """Read the whole file once before anything is written; returns its rows."""
    with _csv_rows(path) as rows:
        return sum(1 for _ in rows)


def _read(path: Path, parse: Callable[[Any], Any], report: Report) -> Iterator[tuple[int, Any]]:
    with _csv_rows(path) as rows:
        for line, raw in rows:
            report.rows += 1
            try:
                yield line, parse(raw)
            except ValidationError as exc:
                report.refuse(line, errors_of(exc))
            except ValueError as exc:
                report.refuse(line, str(exc))


def _batches(rows: Iterator[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    batch: list[tuple[int, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def import_leads(
    rt: Runtime, path: Path, *, dry_run: bool = False, progress: TextIO | None = None
) -> Report:
    report = Report()
    total = _check_file(path)
    bar = Progress(total, "leads", progress) if progress else None
    for batch in _batches(_read(path, lead_row, report)):
        if not dry_run:
            with unit(rt, "import", "cli") as ctx:
                done = ingest_batch(ctx, [lead for _, lead in batch])
            report.created += done.created
            report.updated += done.updated
            report.unchanged += done.existing
        if bar:
            bar.advance(report.rows - bar.done)  # bad rows count as read, too
    if bar:
        bar.advance(report.rows - bar.done)
        bar.close()
    return report


def import_partners(
    rt: Runtime, path: Path, *, dry_run: bool = False, progress: TextIO | None = None
) -> Report:
    report = Report()
    total = _check_file(path)
    bar = Progress(total, "partners", progress) if progress else None
    for batch in _batches(_read(path, partner_row, report)):
        if not dry_run:
            _save_partners(rt, batch, report)
        if bar:
            bar.advance(report.rows - bar.done)
    if bar:
        bar.advance(report.rows - bar.done)
        bar.close()
    return report


def _save_partners(rt: Runtime, batch: list[tuple[int, PartnerRow]], report: Report) -> None:
    with unit(rt, "import", "cli") as ctx:
        for line, row in batch:
            try:
                with ctx.session.begin_nested():  # a refused row does not spoil the batch
                    if row.invite:
                        org, created = save_invited_partner(ctx, row.partner)
                    else:
                        org, created = save_partner(ctx, row.partner)
                    if row.contact is not None:
                        contact, _ = save_contact(
                            ctx, row.contact.model_copy(update={"organization_id": org.id})
                        )
                        if row.invite and not org.active:
                            invite_partner(ctx, invitation_of(org, contact))
            except ActionError as exc:
                report.refuse(line, str(exc))
                continue
            if created:
                report.created += 1
            else:
                report.updated += 1
