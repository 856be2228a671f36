"""CSV downloads: every route that answers with a CSV file goes through here, so each
one is written by :func:`mailflow.csvio.exporter.csv_lines` (formulas defused) in the
reader's dialect (:mod:`mailflow.csvio.dialect`): ``?dialect=`` of the download, else
``MAILFLOW_CSV_DIALECT``, else by the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response, abort, request, stream_with_context

from mailflow.csvio import exporter
from mailflow.csvio.dialect import CsvDialect, UnknownDialect, choose
from mailflow.web.context import runtime
from mailflow.web.language import reader_language


def dialect() -> CsvDialect:
    """This download's dialect; an unknown ``?dialect=`` is a 400."""
    try:
        return choose(
            request.args.get("dialect"), runtime().settings.csv_dialect, reader_language()
        )
    except UnknownDialect as exc:
        abort(400, description=str(exc))


def csv_download(filename: str, chunks: Iterator[str], used: CsvDialect) -> Response:
    """An attachment streamed from ``chunks`` (made by :func:`exporter.csv_lines` in
    ``used``)."""
    return Response(
        stream_with_context(chunks),
        content_type="text/csv; charset=utf-8; header=present",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-CSV-Dialect": used.name,
        },
    )


def csv_rows(filename: str, header: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> Response:
    """An attachment of ``rows`` already read: the ``header``'s keys of each."""
    used = dialect()
    return csv_download(filename, exporter.csv_lines(header, iter(rows), used), used)
