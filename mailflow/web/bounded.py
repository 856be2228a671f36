"""Numbers a request carries stay inside the 32-bit Integer range of our columns.

A larger id in a URL, a query or a form made PostgreSQL raise ("integer out of range")
and SQLite overflow, a 500 wherever the number reached a query. Two places see every
such number, so no view needs its own check:

* ``<int:...>`` in a route is :class:`RowId`: an id above ``MAX_ID`` matches no route (404);
* ``request.args`` / ``request.form`` ``.get(name, type=int)`` and ``.getlist`` read an
  ``int`` outside the range as missing (the default), like any other non-number.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Map

from mailflow.models.schemas import INT_MAX, INT_MIN
from mailflow.rules.forminput import MAX_ID


class RowId(IntegerConverter):
    """``<int:...>`` of every route: at most ``MAX_ID`` unless the rule says otherwise."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def column_int(text: str) -> int:
    """``int(text)`` within an Integer column's range; ``ValueError`` otherwise."""
    value = int(text)
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(f"{text!r} is outside the Integer range")
    return value


def _bounded(kind: Any) -> Any:
    return column_int if kind is int else kind


class BoundedParams(ImmutableMultiDict[str, str]):
    """Query and form values: ``type=int`` means :func:`column_int`."""

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        return super().get(key, default, _bounded(type))

    def getlist(self, key: str, type: Any = None) -> Any:
        return super().getlist(key, _bounded(type))


class BoundedRequest(Request):
    parameter_storage_class = BoundedParams


def install(app: Flask) -> None:
    """Before any blueprint: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = RowId
    app.request_class = BoundedRequest
