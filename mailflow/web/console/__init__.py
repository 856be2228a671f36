"""The ops console (login required): leads and their audit trail; other issues add pages
(templates, partners, review queue, dashboards) as blueprints or routes on ``bp``."""

from __future__ import annotations

from mailflow.web.console.auth import bp as auth_bp
from mailflow.web.console.review import bp as review_bp
from mailflow.web.console.views import bp

__all__ = ["auth_bp", "bp", "review_bp"]
