"""Attacks on surfaces the other attack files do not reach: the inbound webhook's size
limit, the MTA pipe fed without end, the review queue's correction form, numbers beyond
the database's Integer range in URLs, queries and forms, text shaped like RFC 2047
encoded words in outbound headers, and hostile CSV files for ``mailflow import``.

Everything runs against the real app, database, SMTP sink and command line."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select
from werkzeug.routing import IntegerConverter

from mailflow import cli
from mailflow.actions.outbound import outbox
from mailflow.csvio import importer
from mailflow.mail.capture import MailCapture
from mailflow.models import Contact, InboundEmail, Lead
from mailflow.runtime import Runtime
from mailflow.settings import Settings
from tests.conftest import TEST_KEYS, make_settings
from tests.factories import World
from tests.reliability.conftest import Snapshot

SECRET = "inbound-webhook-secret-for-tests"
MiB = 1024 * 1024
LIMIT = 4 * MiB  # MAILFLOW_INBOUND_MAX_BYTES in these tests: above Flask's 2 MiB body cap


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        inbound_webhook_secret=SECRET,
        inbound_max_bytes=str(LIMIT),
        token_rate_per_minute="100000",
        token_rate_per_ip_per_minute="100000",
    )


def _message(size: int) -> bytes:
    head = b"From: Jana <jana@sued.example>\r\nTo: info@reply.mailflow.test\r\nSubject: big\r\n\r\n"
    line = b"x" * 76 + b"\r\n"
    return head + line * (max(0, size - len(head)) // len(line) + 1)


def _stored(rt: Runtime) -> list[int]:
    with rt.db.read() as s:
        return [int(i) for i in s.exec(select(InboundEmail.size)).all()]


# -- the inbound webhook takes what the SMTP server takes ---------------------------------


def test_the_inbound_webhook_takes_a_message_up_to_the_inbound_limit(
    rt: Runtime, client: Any
) -> None:
    auth = {"Authorization": f"Bearer {SECRET}"}
    three_mib = _message(3 * MiB)  # over Flask's 2 MiB body cap, under MAILFLOW_INBOUND_MAX_BYTES
    raw = client.post("/inbound/webhook", data=three_mib, headers=auth,
                      content_type="message/rfc822")  # fmt: skip
    assert raw.status_code == 202, raw.get_data(as_text=True)[:200]
    upload = client.post(
        "/inbound/webhook",
        data={"message": (io.BytesIO(three_mib), "message.eml")},
        headers=auth,
    )
    assert upload.status_code == 202, upload.get_data(as_text=True)[:200]
    too_big = client.post(
        "/inbound/webhook", data=_message(LIMIT + 1), headers=auth, content_type="message/rfc822"
    )
    assert too_big.status_code == 413
    assert too_big.mimetype == "application/problem+json"  # a machine's endpoint: no HTML page
    assert too_big.get_json()["status"] == 413
    assert sorted(_stored(rt)) == [len(three_mib), len(three_mib)]


def test_every_error_of_the_inbound_webhook_is_problem_json(client: Any) -> None:
    for method in ("GET", "PUT", "DELETE"):
        answer = client.open("/inbound/webhook", method=method)
        assert answer.status_code == 405 and answer.mimetype == "application/problem+json"


# -- the MTA pipe reads no more than the limit --------------------------------------------


def test_the_mta_pipe_stops_reading_an_endless_message_at_the_limit(
    rt: Runtime, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        {
            "MAILFLOW_DATA_DIR": str(tmp_path),
            "MAILFLOW_SECRET_KEYS": TEST_KEYS,
            "MAILFLOW_DATABASE_URL": rt.settings.database_url,
            "MAILFLOW_INBOUND_DOMAIN": rt.settings.inbound_domain,
            "MAILFLOW_INBOUND_MAX_BYTES": str(64 * 1024),
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "mailflow.cli", "inbound", "deliver", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdin is not None
    written = {"bytes": 0}

    def feed() -> None:  # a sender that never stops (until the pipe closes)
        chunk = _message(MiB)
        try:
            while written["bytes"] < 256 * MiB:  # then it stalls: no EOF either
                process.stdin.write(chunk)  # type: ignore[union-attr]
                written["bytes"] += len(chunk)
        except (BrokenPipeError, ValueError, OSError):
            return

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"deliver still reading after {written['bytes'] // MiB} MiB")
    finally:
        writer.join(timeout=10)
    assert code == 69, process.stderr.read() if process.stderr else ""  # EX_UNAVAILABLE
    assert written["bytes"] < 256 * MiB
    assert _stored(rt) == []


# -- the review queue's correction form ---------------------------------------------------


def _in_review(rt: Runtime, world: World, count: int) -> list[int]:
    world.partner("Stuttgart")
    lead, offers = world.offered_lead()
    offer = offers[0]
    contact = world.contacts(offer.organization_id)[0]
    ids = []
    with rt.db.transaction() as s:
        for _ in range(count):
            row = InboundEmail(
                received_at=rt.clock.now(), channel="smtp", sha256="0" * 64, size=10,
                raw=b"Subject: x\r\n\r\nwon 5", state="review", lead_id=lead.id,
                offer_id=offer.id, contact_id=contact.id,
            )  # fmt: skip
            s.add(row)
            s.flush()
            ids.append(int(row.id))  # type: ignore[arg-type]
    return ids


# (the form, the field the refusal names)
HOSTILE_CORRECTIONS: list[tuple[dict[str, str], str]] = [
    ({"action": "feedback", "stage": "won", "amount": "NaN"}, "amount"),
    ({"action": "feedback", "stage": "won", "amount": "-Infinity"}, "amount"),
    ({"action": "feedback", "stage": "won", "amount": "-5"}, "amount"),
    ({"action": "feedback", "stage": "won", "amount": "1e30"}, "amount"),
    ({"action": "feedback", "stage": "won", "amount": "\u0663"}, "amount"),  # Arabic-Indic 3
    ({"action": "feedback", "stage": "won", "amount": "5", "currency": "EURO"}, "currency"),
    ({"action": "feedback", "stage": "won", "amount": "5", "currency": "E\x00R"}, "currency"),
    ({"action": "feedback", "stage": "lost", "reason": "x" * 5_000}, "reason"),
    ({"action": "decline", "reason": "too far\x00away"}, "reason"),
    ({"decision": "dismiss", "note": "spam\x00"}, "note"),
]


def test_hostile_corrections_in_the_review_queue_are_refused_and_change_nothing(
    rt: Runtime,
    world: World,
    client: Any,
    login: Callable[[Any, str], str],
    db_state: Callable[[], Snapshot],
) -> None:
    ids = _in_review(rt, world, len(HOSTILE_CORRECTIONS))
    csrf = login(client, "admin")
    before = db_state()
    answers = {}
    for inbound_id, (form, field) in zip(ids, HOSTILE_CORRECTIONS, strict=True):
        answer = client.post(f"/console/inbound/{inbound_id}", data={**form, "csrf": csrf})
        answers[repr(form)[:80]] = answer.status_code
        if answer.status_code != 302:
            continue
        # back to the message, which says what was wrong
        assert answer.headers["Location"].endswith(f"/console/inbound/{inbound_id}")
        page = client.get(answer.headers["Location"]).get_data(as_text=True)
        notice = re.search(r'<p class="notice error">([^<]*)</p>', page)
        assert notice and field in notice.group(1).lower(), (form, notice)
    assert set(answers.values()) == {302}, answers
    assert db_state() == before, "a hostile correction changed the database"


def test_a_sound_correction_in_the_review_queue_still_applies(
    rt: Runtime, world: World, client: Any, login: Callable[[Any, str], str]
) -> None:
    [inbound_id] = _in_review(rt, world, 1)
    csrf = login(client, "admin")
    form = {"action": "pick", "csrf": csrf}
    answer = client.post(f"/console/inbound/{inbound_id}", data=form)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/console/inbound/")
    with rt.db.read() as s:
        row = s.get(InboundEmail, inbound_id)
        assert row is not None and row.state == "applied"


# -- numbers beyond the Integer range -----------------------------------------------------
BIG = [str(2**31), str(10**11), str(2**63)]


def _int_routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) of the app whose rule has an ``int`` part, filled with BIG[0]."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = {k for k, c in rule._converters.items() if isinstance(c, IntegerConverter)}
        if not ints:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    return found


def test_no_number_beyond_the_integer_range_answers_500(
    rt: Runtime,
    world: World,
    app: Any,
    client: Any,
    login: Callable[[Any, str], str],
    db_state: Callable[[], Snapshot],
) -> None:
    csrf = login(client, "admin")
    key = world.api_key()
    before = db_state()
    failures = []
    routes = _int_routes(app)
    assert len(routes) > 10
    for big in BIG:
        for method, rule in routes:
            path = rule
            for part in ("lead_id", "inbound_id", "offer_id", "partner_id", "contact_id",
                         "webhook_id", "mail_id", "deal_id", "request_id",
                         "invitation_id"):  # fmt: skip
                path = path.replace(f"<int:{part}>", big)
            assert "<" not in path, path
            headers = {"Authorization": f"Bearer {key}"} if path.startswith("/api/") else {}
            form = {"csrf": csrf} if not path.startswith("/api/") else None
            json = {} if path.startswith("/api/") and method != "GET" else None
            answer = client.open(path, method=method, data=form, json=json, headers=headers)
            if answer.status_code >= 500:
                failures.append((method, path, answer.status_code))
        for method, path, form in [
            ("GET", f"/console/points?territory={big}", None),
            ("GET", f"/console/dashboard?territory={big}", None),
            ("GET", f"/console/?page={big}", None),
            ("GET", f"/console/export?page={big}", None),
            ("GET", f"/console/webhooks?page={big}", None),
            ("GET", f"/console/templates/offer?version={big}", None),
            ("GET", f"/console/templates/offer/diff?a={big}&b=1", None),
            ("GET", f"/console/templates/offer/preview?version={big}", None),
            ("POST", "/console/templates/offer/activate", {"version": big}),
            ("POST", "/console/points/convert", {"organization_id": big, "points": "1"}),
            ("POST", "/console/points/convert", {"organization_id": "1", "points": big}),
        ]:
            data = {**form, "csrf": csrf} if form is not None else None
            answer = client.open(path, method=method, data=data)
            if answer.status_code >= 500:
                failures.append((method, path, answer.status_code))
    assert failures == []
    assert db_state() == before


# -- encoded words in outbound headers ----------------------------------------------------
SMUGGLED = "=?utf-8?q?Heat=0D=0ABcc:_thief@evil.example?="
NAMED = "=?utf-8?b?SmFuYQ0KQmNjOiB0aGllZkBldmlsLmV4YW1wbGU=?="  # "Jana\r\nBcc: thief@…"


def _name_contacts(rt: Runtime, organization_id: int | None, name: str) -> dict[str, str]:
    """Every contact of the organization gets ``name``; returns {email: name}."""
    with rt.db.transaction() as s:
        contacts = s.exec(select(Contact).where(Contact.organization_id == organization_id))
        for contact in contacts:
            contact.name = name
            s.add(contact)
        s.flush()
        found = s.exec(select(Contact).where(Contact.organization_id == organization_id))
        return {c.email: name for c in found}


def test_text_shaped_like_encoded_words_stays_text_in_outbound_headers(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    names: dict[str, str] = {}  # email → the contact's name
    long_name = ("Kältetechnik Süd " * 11).strip()  # 186 characters (the column takes 200)
    for city, name in (("Stuttgart", NAMED), ("Ulm", long_name), ("Karlsruhe", "A, B" * 50)):
        names |= _name_contacts(rt, world.partner(city).id, name)
    world.offered_lead(product_line=SMUGGLED)
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))
    mails = [m for m in smtp.messages() if set(m.to) & set(names)]
    assert len({names[m.to[0]] for m in mails}) == 3  # each kind of name got an offer
    for mail in mails:
        message = BytesParser(policy=policy.default).parsebytes(mail.raw)
        subject = str(message["Subject"])
        assert "\r" not in subject and "\n" not in subject and "Bcc:" not in subject.split("=?")[0]
        assert SMUGGLED in subject  # the literal text, never decoded into a line break
        [to] = message["To"].addresses  # parses; exactly one mailbox
        assert to.addr_spec == mail.to[0]
        assert "\r" not in to.display_name and "\n" not in to.display_name
        assert to.display_name == names[to.addr_spec]  # as written
        head = mail.raw.split(b"\r\n\r\n", 1)[0]
        assert max(len(line) for line in head.split(b"\r\n")) <= 998


# -- hostile CSV files --------------------------------------------------------------------
HEADER = "external_id,customer_email,temperature,country,requirement\n"


def _good_rows(count: int) -> str:
    return "".join(f"g-{i},kunde{i}@example.com,hot,DE,Boiler\n" for i in range(count))


def _leads(rt: Runtime) -> int:
    with rt.db.read() as s:
        return int(s.exec(select(func.count()).select_from(Lead)).one())


LATIN_1 = HEADER + _good_rows(2_500) + "x-1,a@example.com,hot,DE,Kälte\n"
UNCLOSED = HEADER + _good_rows(2_500) + 'x-1,a@example.com,hot,DE,"Boiler\n' + _good_rows(30_000)
# name → (the file, what the refusal says); the first batches must not be written already
HOSTILE_FILES: dict[str, tuple[bytes, str]] = {
    "latin-1": (LATIN_1.encode("latin-1"), "UTF-8"),
    "utf-16": ((HEADER + _good_rows(3)).encode("utf-16"), "UTF-8"),
    "binary": (bytes(range(256)) * 64, "UTF-8"),
    "unclosed quote": (UNCLOSED.encode(), "longer than"),
    "duplicate column": (b"external_id,customer_email,external_id\nx,a@example.com,y\n", "twice"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_csv_file_is_refused_whole_with_a_clear_reason(
    rt: Runtime, tmp_path: Path, name: str
) -> None:
    data, reason = HOSTILE_FILES[name]
    path = tmp_path / "leads.csv"
    path.write_bytes(data)
    with pytest.raises(importer.CsvRefused) as refused:
        importer.import_leads(rt, path)
    assert reason in str(refused.value) and "line" in str(refused.value)
    assert _leads(rt) == 0  # nothing half-written


def test_the_command_line_refuses_a_file_in_another_encoding_without_a_traceback(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    for name, value in {
        "MAILFLOW_DATA_DIR": str(tmp_path),
        "MAILFLOW_DATABASE_URL": rt.settings.database_url,
        "MAILFLOW_SECRET_KEYS": TEST_KEYS,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MAILFLOW_REDIS_URL", raising=False)
    path = tmp_path / "partners.csv"
    path.write_bytes(b"external_id,name\nP-1,K\xe4ltetechnik\n")
    assert cli.main(["import", "partners", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "UTF-8" in err and "Traceback" not in err


def test_a_million_garbage_rows_keep_memory_bounded(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    rows = 60_000
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        out.writelines(f"g{i},not-an-email,lukewarm,ZZZ,\n" for i in range(rows))
    tracemalloc.start()
    try:
        report = importer.import_leads(rt, path, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.rows == rows and report.as_dict()["bad"] == rows
    assert len(report.bad) <= importer.MAX_LISTED  # the first ones listed, the rest counted
    assert peak < 8 * MiB, f"{peak / MiB:.1f} MiB for {rows} bad rows"
