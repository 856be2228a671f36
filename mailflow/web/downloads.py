"""CSV downloads: every route that answers with a CSV file goes through here, so each
one is written by :func:`mailflow.csvio.exporter.csv_lines` (formulas defused)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response, stream_with_context

from mailflow.csvio import exporter


def csv_download(filename: str, chunks: Iterator[str]) -> Response:
    """An attachment streamed from ``chunks`` (made by :func:`exporter.csv_lines`)."""
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_rows(filename: str, header: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> Response:
    """An attachment of ``rows`` already read: the ``header``'s keys of each."""
    return csv_download(filename, exporter.csv_lines(header, iter(rows)))
