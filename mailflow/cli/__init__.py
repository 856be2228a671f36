"""The ``mailflow`` command."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mailflow import logs
from mailflow.cli import ops
from mailflow.settings import SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mailflow", description="Email-first lead distribution.")
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply all migrations")
    db.add_parser("current", help="show the applied migration")
    rev = db.add_parser("revision", help="autogenerate the next migration from the models")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id", help="revision id (default: the next number)")

    ops.add_parsers(sub)  # check, health, setup

    demo = sub.add_parser("demo", help="run everything in one process on the embedded default")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=5000)
    demo.add_argument("--smtp-port", type=int, default=2525, help="inbound SMTP server port")
    demo.add_argument("--api-key", help="also accept this API key for the manufacturer")
    demo.add_argument("--no-leads", action="store_true", help="do not seed demo leads")

    backup = sub.add_parser("backup", help="a consistent copy of the database, while it runs")
    backup.add_argument("file", help="the new file (SQLite file, or pg_dump's custom format)")

    pw = sub.add_parser("password", help="set a console password for a contact (read from stdin)")
    pw.add_argument("email")

    user = sub.add_parser("user", help="console users").add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser("add", help="add a console user (password from stdin or terminal)")
    add.add_argument("email")
    add.add_argument("name")
    add.add_argument("role", help="admin, ops, partner_manager, manager or rep")
    add.add_argument("--language", help="the user's language (default: MAILFLOW_DEFAULT_LANGUAGE)")
    add.add_argument("--organization", type=int, help="organization id (default: the manufacturer)")
    role = user.add_parser("role", help="give a console user another role (ends its sessions)")
    role.add_argument("email")
    role.add_argument("role", help="admin, ops, partner_manager, manager or rep")
    disable = user.add_parser("disable", help="take a console user's login away")
    disable.add_argument("email")
    email = user.add_parser(
        "email", help="change a console user's email: the current address gets a link to confirm"
    )
    email.add_argument("email", metavar="CURRENT_EMAIL")
    email.add_argument("new_email", metavar="NEW_EMAIL")

    key = sub.add_parser("apikey", help="create an API key for an organization")
    key.add_argument("organization_id", type=int)
    key.add_argument("--name", default="cli")
    key.add_argument(
        "--scope", action="append", help="limit the key to these scopes (repeat; default: all)"
    )

    terms = sub.add_parser("terms", help="the partners' terms and data-processing agreement")
    publish = terms.add_subparsers(dest="terms_command", required=True).add_parser(
        "publish", help="publish a new version; every active partner is asked to accept it"
    )
    publish.add_argument("kind", choices=("terms", "dpa"))
    publish.add_argument(
        "--text", action="append", required=True, metavar="LANG=FILE",
        help="the text in one language, from a UTF-8 file (repeat; en is required)",
    )  # fmt: skip

    inbound = sub.add_parser("inbound", help="inbound mail").add_subparsers(
        dest="inbound_command", required=True
    )
    serve = inbound.add_parser("serve", help="run the inbound SMTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2525)
    serve.add_argument(
        "--metrics-port", type=int, default=0, help="serve its counters for Prometheus here"
    )
    deliver = inbound.add_parser("deliver", help="store and process one message (MTA pipe)")
    deliver.add_argument("file", nargs="?", default="-")
    fetch = inbound.add_parser("fetch", help="take the replies out of the IMAP mailboxes")
    fetch.add_argument("--once", action="store_true", help="take what is there, then exit")
    parse = inbound.add_parser("parse", help="print what each message says, as JSON lines")
    parse.add_argument("files", nargs="+")

    gdpr = sub.add_parser("gdpr", help="data protection").add_subparsers(
        dest="gdpr_command", required=True
    )
    erase = gdpr.add_parser("erase", help="erase a lead's personal data, keep a pseudonymous trail")
    erase.add_argument("--lead", type=int, required=True)

    bench = sub.add_parser("bench", help="run a benchmark and print one JSON object")
    bench.add_argument("name")
    bench.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")

    imp = sub.add_parser("import", help="import CSV data").add_subparsers(
        dest="import_command", required=True
    )
    for what in ("partners", "leads"):
        one = imp.add_parser(what, help=f"upsert {what} by external id from a CSV file")
        one.add_argument("file")
        one.add_argument("--dry-run", action="store_true", help="only validate; list every bad row")
    # operator data for matching
    pc = imp.add_parser("postcodes", help="postal-code centroids from a GeoNames-format file")
    pc.add_argument("file", help="tab-separated GeoNames postal-code file (e.g. DE.txt)")
    cu = imp.add_parser("customers", help="partners' existing customers (channel conflict)")
    cu.add_argument("file", help="CSV: partner,email_domain,customer_external_id")
    exp = sub.add_parser("export", help="export leads or KPIs as CSV ('-' for stdout)")
    exp.add_argument("what", choices=("leads", "kpis"))
    exp.add_argument("file")
    exp.add_argument(
        "--dialect",
        choices=("auto", "excel", "excel-de", "rfc4180"),
        help="how the file is written (default: MAILFLOW_CSV_DIALECT; auto here is rfc4180)",
    )
    # weekly reports by hand
    report = sub.add_parser("report", help="weekly reports: who is due now, or send one now")
    report.add_argument("action", choices=("due", "send"))
    report.add_argument("email", nargs="?", help="the contact to send the report to")
    report.add_argument("--week", help="ISO week such as 2026-W47 (default: the last one)")
    doctor = sub.add_parser("doctor", help="check the mail setup: SPF, DKIM, DMARC, MX, relay")
    doctor.add_argument(
        "--send-test",
        metavar="ADDRESS",
        help="also send a test message there and wait for its copy to come back in",
    )
    doctor.add_argument(
        "--wait",
        metavar="SECONDS",
        type=_seconds,
        default=120.0,
        help="how long to wait for the test message to come back (default 120; 0: do not)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"mailflow: configuration error: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    if settings.log_level != "DEBUG":  # libraries' start-up chatter hides our own output
        for chatty in ("alembic", "apscheduler"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    if args.command in ("check", "health"):
        return ops.run(settings, args)
    if not settings.secret_keys and _signs(args):
        print(f"mailflow: configuration error: {_NO_KEYS}", file=sys.stderr)
        return 2
    if args.command == "setup":
        return ops.run(settings, args)
    if args.command == "db":
        from mailflow.db import migrate

        if args.db_command == "upgrade":
            migrate.upgrade(settings.database_url)
            print(f"database at revision {migrate.current(settings.database_url)}")
        elif args.db_command == "revision":
            print(f"wrote revision {migrate.new_revision(args.message, args.rev_id)}")
        else:
            print(migrate.current(settings.database_url) or "empty")
        return 0
    if args.command == "backup":
        from mailflow.cli.backup import backup  # sub-commands load their modules when used

        return backup(settings.database_url, args.file)
    if args.command == "demo":
        from mailflow.cli import demo

        demo.run(
            settings,
            demo.options(
                host=args.host,
                port=args.port,
                smtp_port=args.smtp_port,
                api_key=args.api_key,
                seed_leads=not args.no_leads,
            ),
        )
        return 0
    if args.command == "inbound":
        from mailflow.cli import inbound as inbound_cli

        if args.inbound_command == "serve":
            return inbound_cli.serve(settings, args.host, args.port, args.metrics_port)
        if args.inbound_command == "deliver":
            return inbound_cli.deliver(settings, args.file)
        if args.inbound_command == "fetch":
            return inbound_cli.fetch(settings, args.once)
        return inbound_cli.parse(args.files)
    if args.command == "doctor":
        from mailflow.cli import doctor as doctor_cli  # its DNS library only when asked

        return doctor_cli.main(settings, args.send_test, args.wait)
    if args.command == "gdpr":
        return _erase(settings, args.lead)
    if args.command == "password":
        return _password(settings, args.email)
    if args.command == "user":
        return _user(settings, args)
    if args.command == "terms":
        return _publish_terms(settings, args.kind, args.text)
    if args.command == "apikey":
        return _apikey(settings, args.organization_id, args.name, args.scope)
    if args.command == "import" and args.import_command == "customers":
        return _import_customers(settings, args.file)
    if args.command == "import" and args.import_command == "postcodes":
        return _import_postcodes(settings, args.file)
    if args.command == "report":
        from mailflow.cli import report as report_cli

        if args.action == "due":
            return report_cli.due(settings)
        return report_cli.send(settings, args.email, args.week)
    if args.command == "bench":
        return _bench(settings, args.name, args.quick)
    if args.command in ("import", "export"):
        from mailflow.cli.csv import run_export, run_import

        if args.command == "import":
            return run_import(settings, args.import_command, args.file, dry_run=args.dry_run)
        return run_export(settings, args.what, args.file, args.dialect)
    return 2


_NO_KEYS = "no MAILFLOW_SECRET_KEYS: set it (the same in every process), see mailflow check"


def _seconds(value: str) -> float:
    """A number of seconds, 0 or more (an argparse type: its error names the option)."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 <= seconds <= 3600:
        raise argparse.ArgumentTypeError("between 0 and 3600 seconds")
    return seconds


def _signs(args: argparse.Namespace) -> bool:
    """Commands that run actions sign links: they need the keys every process shares."""
    if args.command in ("db", "demo", "bench"):
        return False
    return not (args.command == "inbound" and args.inbound_command == "parse")


def _erase(settings: object, lead_id: int) -> int:
    from mailflow.actions import unit
    from mailflow.actions.errors import NotFound
    from mailflow.actions.leads.erase import erase_lead
    from mailflow.runtime import Runtime

    rt = Runtime(settings)  # type: ignore[arg-type]
    try:
        with unit(rt, "cli", "cli") as ctx:
            done = erase_lead(ctx, lead_id)
    except NotFound as exc:
        print(f"mailflow: {exc}", file=sys.stderr)
        return 1
    print(
        f"erased lead {done.lead_id}: {done.inbound} inbound and {done.outbound} outbound emails "
        f"cleaned, {done.events} audit events kept without personal data"
    )
    return 0


def _bench(settings: object, name: str, quick: bool) -> int:
    """The benchmarks live in the source checkout's ``bench/``, not in the installed package
    (a production install neither carries nor imports them): run from the checkout."""
    import importlib
    import secrets
    from pathlib import Path

    if not (Path.cwd() / "bench" / "__init__.py").is_file():
        print("mailflow: run the benchmarks from the checkout (with bench/)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path.cwd()))
    run_bench = importlib.import_module("bench").run_bench
    if not settings.secret_keys:  # type: ignore[attr-defined]
        # a benchmark's world is thrown away with it: a key of its own for the run
        settings = settings.with_(secret_keys=(secrets.token_urlsafe(32),))  # type: ignore[attr-defined]
    print(json.dumps(run_bench(name, settings, quick=quick)), flush=True)
    return 0


def _user(settings: object, args: argparse.Namespace) -> int:
    from mailflow.actions.console.sessions import disable_login, set_role

    if args.user_command == "add":
        from mailflow.cli import setup as setup_cli

        return setup_cli.user_add(settings, args.email, args.name, args.role,  # type: ignore[arg-type]
                                  args.language, args.organization)  # fmt: skip
    if args.user_command == "email":
        return _user_email(settings, args.email, args.new_email)

    def act(ctx: Any) -> str:
        if args.user_command == "role":
            set_role(ctx, args.email, args.role)
            return f"{args.email} is now {args.role}"
        disable_login(ctx, args.email)
        return f"{args.email} can no longer log in"

    return _one_action(settings, act, "; every console session of it has ended")


def _user_email(settings: object, email: str, new_email: str) -> int:
    from mailflow.actions.console.email_change import EMAIL_CHANGE_MAX_AGE_S, request_email_change

    def act(ctx: Any) -> str:
        change = request_email_change(ctx, email, new_email)
        return f"asked {change.old} to confirm the change to {change.new}"

    hours = EMAIL_CHANGE_MAX_AGE_S // 3600
    return _one_action(settings, act, f" (the emailed link works once, for {hours} hours)")


def _one_action(settings: object, act: Callable[[Any], str], suffix: str = "") -> int:
    """Run ``act`` in one action unit; print what it did, or the refusal on stderr."""
    from mailflow.actions import unit
    from mailflow.actions.errors import ActionError
    from mailflow.runtime import Runtime

    rt = Runtime(settings)  # type: ignore[arg-type]
    try:
        with unit(rt, "cli", "cli") as ctx:
            done = act(ctx)
    except ActionError as exc:
        print(f"mailflow: {exc}", file=sys.stderr)
        return 1
    finally:
        rt.close()
    print(done + suffix)
    return 0


def _publish_terms(settings: object, kind: str, texts: list[str]) -> int:
    from mailflow.actions.partners.terms import publish_terms

    read: dict[str, str] = {}
    for given in texts:
        lang, _, path = given.partition("=")
        if not path:
            print(f"mailflow: --text {given!r}: write LANG=FILE", file=sys.stderr)
            return 2
        try:
            read[lang.strip()] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"mailflow: {path}: {exc}", file=sys.stderr)
            return 2

    def act(ctx: Any) -> str:
        version = publish_terms(ctx, kind, read)
        return f"{kind} version {version.version} published ({', '.join(sorted(version.texts))})"

    return _one_action(settings, act)


def _password(settings: object, email: str) -> int:
    import getpass

    from mailflow.actions.console.password import set_password

    secret = getpass.getpass("New password: ") if sys.stdin.isatty() else sys.stdin.readline()

    def act(ctx: Any) -> str:
        set_password(ctx, email, secret.rstrip("\n"))
        return f"password set for {email}"

    return _one_action(settings, act, "; every console session of it has ended")


def _apikey(
    settings: object, organization_id: int, name: str, scopes: list[str] | None = None
) -> int:
    from mailflow.actions.console import apikeys
    from mailflow.models import Organization
    from mailflow.runtime import Runtime

    rt = Runtime(settings)  # type: ignore[arg-type]
    with rt.db.transaction() as session:
        if session.get(Organization, organization_id) is None:
            print(f"mailflow: no organization {organization_id}", file=sys.stderr)
            return 1
        key = apikeys.new_key()
        apikeys.store(session, organization_id, key, name, rt.clock.now(), scopes)
    print(key)
    return 0


def _import_postcodes(settings: object, path: str) -> int:
    from mailflow.actions import unit
    from mailflow.actions.partners.postcodes import import_postcodes
    from mailflow.rules.postal import parse_geonames
    from mailflow.runtime import Runtime

    rt = Runtime(settings)  # type: ignore[arg-type]
    try:
        with open(path, encoding="utf-8") as fh, unit(rt, "cli", "cli") as ctx:
            added, updated = import_postcodes(ctx, parse_geonames(fh))
    except OSError as exc:
        print(f"mailflow: {exc}", file=sys.stderr)
        return 1
    print(f"postal codes: {added} added, {updated} updated")
    return 0


def _import_customers(settings: object, path: str) -> int:
    from mailflow.actions import unit
    from mailflow.actions.leads.customers import import_customer_links, read_csv
    from mailflow.runtime import Runtime

    rt = Runtime(settings)  # type: ignore[arg-type]
    try:
        with open(path, encoding="utf-8", newline="") as fh, unit(rt, "cli", "cli") as ctx:
            added, problems = import_customer_links(ctx, read_csv(fh))
    except OSError as exc:
        print(f"mailflow: {exc}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"mailflow: {problem}", file=sys.stderr)
    print(f"customer links: {added} added, {len(problems)} skipped")
    return 0
