"""``mailflow import partners|leads FILE``: validate every row, then upsert in batches
of ``BATCH`` rows, one transaction per batch. ``--dry-run`` only validates and reports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.ingest_batch import ingest_batch
from mailflow.actions.partners import save_contact, save_partner
from mailflow.csvio.progress import Progress
from mailflow.csvio.rows import PartnerRow, errors_of, lead_row, partner_row
from mailflow.runtime import Runtime

BATCH = 2_000


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad": len(self.bad),
        }


def _read(path: Path, parse: Callable[[Any], Any], report: Report) -> Iterator[tuple[int, Any]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for raw in reader:
            report.rows += 1
            try:
                yield reader.line_num, parse(raw)
            except ValidationError as exc:
                report.bad.append((reader.line_num, errors_of(exc)))
            except ValueError as exc:
                report.bad.append((reader.line_num, str(exc)))


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


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
    bar = Progress(_count_rows(path), "leads", progress) if progress else None
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
    bar = Progress(_count_rows(path), "partners", progress) if progress else None
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
                    org, created = save_partner(ctx, row.partner)
                    if row.contact is not None:
                        save_contact(
                            ctx, row.contact.model_copy(update={"organization_id": org.id})
                        )
            except ActionError as exc:
                report.bad.append((line, str(exc)))
                continue
            if created:
                report.created += 1
            else:
                report.updated += 1
