"""The operator's commands: ``mailflow check`` (the start-up checks of every process, one
line each), ``mailflow health KIND`` (a probe) and ``mailflow setup`` (the first start)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mailflow.settings import Settings


def add_parsers(sub: Any) -> None:
    chk = sub.add_parser(
        "check", help="check the settings, database, Redis and keys; exit 1 if bad"
    )
    chk.add_argument("--deep", action="store_true", help="also log in to the outbound relay")
    chk.add_argument("--demo", action="store_true", help="check as `mailflow demo` starts")

    health = sub.add_parser(
        "health", help="probe a process for systemd/orchestrators; exit 0 if ready"
    )
    health.add_argument("kind", choices=("web", "worker", "scheduler", "smtp"))
    health.add_argument("--url", help="web: the server's address (default: MAILFLOW_BASE_URL)")
    health.add_argument("--host", default="127.0.0.1", help="smtp: the server's address")
    health.add_argument("--port", type=int, default=2525, help="smtp: the server's port")

    setup = sub.add_parser(
        "setup", help="first start: migrate, create the manufacturer, its brand, the first admin"
    )
    for flag in ("--manufacturer", "--brand", "--admin-email", "--admin-name", "--language"):
        setup.add_argument(flag)


def run(settings: Settings, args: argparse.Namespace) -> int:
    # imported here, not at the top: the other commands start without them
    if args.command == "check":
        return check(settings, deep=args.deep, demo=args.demo)
    if args.command == "health":
        from mailflow.cli import health

        return health.probe(settings, args.kind, args.url, args.host, args.port)
    from mailflow.cli import setup

    return setup.setup(settings, args.manufacturer, args.brand, args.admin_email,
                       args.admin_name, args.language)  # fmt: skip


def check(settings: Settings, *, deep: bool, demo: bool) -> int:
    """Exit 0 when a process would start (warnings included), 1 when one would refuse."""
    from mailflow import preflight

    findings = preflight.run(settings, demo=demo, deep=deep)
    for finding in findings:
        print(finding.line(), flush=True)
    failed = preflight.errors(findings)
    if failed:
        print(f"mailflow check: {len(failed)} to change before starting", file=sys.stderr)
        return 1
    return 0
