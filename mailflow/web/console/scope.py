"""The logged-in console user's :class:`~mailflow.queries.visibility.Viewer`, once per request."""

from __future__ import annotations

from typing import cast

from flask import abort, g

from mailflow.queries import visibility
from mailflow.web.console.auth import current_user
from mailflow.web.context import runtime


def viewer() -> visibility.Viewer:
    if "viewer" not in g:
        user = current_user()
        if user is None:
            abort(403)
        with runtime().db.read() as s:
            g.viewer = visibility.for_contact(s, user)
    return cast(visibility.Viewer, g.viewer)
