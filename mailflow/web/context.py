"""The request's view of the process: the Runtime the app was built with."""

from __future__ import annotations

from flask import current_app

from mailflow.runtime import Runtime


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["mailflow"]
    return rt
