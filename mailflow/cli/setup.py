"""``mailflow setup`` and ``mailflow user add``: an installation's first start without SQL.

Each value comes from its flag, else from ``MAILFLOW_SETUP_<NAME>`` in the environment,
else it is asked for on a terminal. The password is never a flag (it would show in the
process list): ``MAILFLOW_SETUP_PASSWORD(_FILE)``, the terminal, or one line on stdin."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from mailflow.actions import unit
from mailflow.actions.console.setup import add_user, create_manufacturer
from mailflow.actions.errors import ActionError
from mailflow.db import migrate
from mailflow.runtime import Runtime
from mailflow.settings import Settings

ENV = "MAILFLOW_SETUP_"


class Missing(Exception):
    """A value given neither as a flag, nor in the environment, nor on a terminal."""


def value(given: str | None, name: str, prompt: str, default: str | None = None) -> str:
    if given:
        return given
    if os.environ.get(ENV + name.upper()):
        return os.environ[ENV + name.upper()]
    if sys.stdin.isatty():
        shown = f" [{default}]" if default else ""
        answer = input(f"{prompt}{shown}: ").strip()
        if answer or default:
            return answer or default or ""
    if default:
        return default
    raise Missing(f"--{name.replace('_', '-')} (or {ENV}{name.upper()}) is needed")


def password() -> str:
    if os.environ.get(ENV + "PASSWORD_FILE"):
        return Path(os.environ[ENV + "PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
    if os.environ.get(ENV + "PASSWORD"):
        return os.environ[ENV + "PASSWORD"]
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise Missing("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def setup(settings: Settings, manufacturer: str | None, brand: str | None,
          email: str | None, name: str | None, language: str | None) -> int:  # fmt: skip
    """Migrate the database, create the manufacturer, its brand and the first admin."""
    try:
        maker = value(manufacturer, "manufacturer", "Manufacturer (company name)")
        brand = value(brand, "brand", "Brand in emails", default=maker)
        email = value(email, "admin_email", "First admin's email")
        name = value(name, "admin_name", "First admin's name")
        language = value(language, "language", "Their language", settings.default_language)
        secret = password()
    except (Missing, OSError, EOFError) as exc:
        print(f"mailflow setup: {exc}", file=sys.stderr)
        return 2
    migrate.upgrade(settings.database_url)
    rt = Runtime(settings)
    try:
        with unit(rt, "cli", "cli") as ctx:
            org = create_manufacturer(ctx, maker, brand)
            admin = add_user(ctx, email, name, "admin", secret, language=language,
                     organization_id=org.id)  # fmt: skip
    except ActionError as exc:
        print(f"mailflow setup: {exc}", file=sys.stderr)
        return 1
    finally:
        rt.close()
    print(f"set up {maker} (organization {org.id}, brand {brand}); {admin.email} is admin: "
          f"log in at {settings.base_url}/console/")  # fmt: skip
    return 0


def user_add(settings: Settings, email: str, name: str, role: str,
             language: str | None, organization_id: int | None) -> int:  # fmt: skip
    try:
        secret = password()
    except (Missing, OSError, EOFError) as exc:
        print(f"mailflow user add: {exc}", file=sys.stderr)
        return 2
    rt = Runtime(settings)
    try:
        with unit(rt, "cli", "cli") as ctx:
            add_user(ctx, email, name, role, secret, organization_id=organization_id,
                     language=language or settings.default_language)  # fmt: skip
    except ActionError as exc:
        print(f"mailflow user add: {exc}", file=sys.stderr)
        return 1
    finally:
        rt.close()
    print(f"{email.strip().lower()} is {role}")
    return 0
