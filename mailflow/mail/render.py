"""Render a compiled template for one recipient."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailflow.mail.compile import TEMPLATE_DIR, Compiled, compile_source, file_source, layout


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Renderer:
    """Holds compiled templates, one per (kind, version); compiles on first use."""

    def __init__(self, directory: Path = TEMPLATE_DIR) -> None:
        self._directory = directory
        self._compiled: dict[tuple[str, int], Compiled] = {}
        self._lock = threading.Lock()

    def compiled(self, kind: str, version: int = 0) -> Compiled:
        key = (kind, version)
        found = self._compiled.get(key)
        if found is None:
            with self._lock:
                found = self._compiled.get(key)
                if found is None:
                    source = file_source(kind, self._directory)
                    found = compile_source(source, layout(self._directory))
                    self._compiled[key] = found
        return found

    def render(self, kind: str, context: dict[str, Any], version: int = 0) -> Rendered:
        tpl = self.compiled(kind, version)
        subject = " ".join(tpl.subject.render(context).split())
        return Rendered(
            subject=subject, text=tpl.text.render(context), html=tpl.html.render(context)
        )
