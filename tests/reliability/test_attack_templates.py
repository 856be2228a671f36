"""Attacks on the email templates a person edits in the console: known Jinja
server-side template injection payloads and resource bombs, posted to the preview, the
test email and the save, in every editable part; the same sources rendered by the
outbox worker; and every console role on the routes that render a draft.

A payload that ran code would create the marker file; none may, and every answer is a
refusal with a message (422 when validation catches it, 400 when the sandbox does at
render time), never a 500."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlmodel import select

from mailflow.actions.outbound import outbox
from mailflow.mail.capture import MailCapture
from mailflow.mail.compile import TEXT_ENV, Source, compile_source, file_source, layout, validate
from mailflow.models import EmailTemplate, OutboundEmail
from mailflow.queries.visibility import CONSOLE_ROLES
from mailflow.runtime import Runtime
from tests.factories import World
from tests.reliability.conftest import Snapshot

EDITORS = frozenset({"admin"})  # the template source; ops change the wording

# Code execution: each would create the marker file {m} if the template ran as code.
SSTI = [
    "{{ _.__globals__.__builtins__.__import__('os').system('touch {m}') }}",
    "{{ _.__globals__['__builtins__']['__import__']('os').popen('touch {m}').read() }}",
    "{{ gettext.__globals__['__builtins__'].open('{m}', 'w') }}",
    "{{ ngettext.__call__.__globals__ }}{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch {m}').read() }}",
    "{{ joiner.__init__.__globals__.os.popen('touch {m}').read() }}",
    "{{ namespace.__init__.__globals__.os.popen('touch {m}').read() }}",
    "{{ lipsum.__globals__['os'].popen('touch {m}').read() }}",
    "{{ range.__class__.__base__.__subclasses__() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch {m}') }}",
    "{{ request.application.__globals__.__builtins__.__import__('os').popen('touch {m}') }}",
    "{{ config.__class__.__init__.__globals__['os'].popen('touch {m}').read() }}",
    "{{ lead|attr('__class__')|attr('__init__')|attr('__globals__') }}",
    "{{ (lead|attr('__class__')).__mro__ }}",
    "{{ lead.__getitem__('id') }}",
    "{{ lead['__class__']['__init__']['__globals__'] }}",
    "{{ lead.values.__self__.__class__ }}",
    "{{ '{0.__class__.__init__.__globals__}'.format(lead) }}",
    "{{ '{0[id].__class__}'.format(lead) }}",
    "{{ '%s' % lead.__class__ }}",
    "{{ _('%(x)s', x=lead.__class__.__init__.__globals__) }}",
    "{{ lead|map(attribute='__class__')|list }}",
    "{{ [lead]|selectattr('__class__')|list }}",
    "{% set x = lead.__class__ %}{{ x }}",
    "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
]
# Resource exhaustion: each would build gigabytes or loop for hours if nothing stopped it.
BOMBS = [
    "{{ 'a' * 10**9 }}",
    "{{ lead.region * 10**9 }}",
    "{{ [lead.region] * 10**9 }}",
    "{{ 10**(10**10) }}",
    "{{ ((10**1000)**1000)**1000 }}",
    "{{ '%999999999s' % lead.region }}",
    "{{ '%*s' % (999999999, lead.region) }}",
    "{{ '{:>999999999}'.format(lead.region) }}",
    "{{ '{:>{}}'.format(lead.region, 999999999) }}",
    "{{ lead.region.center(999999999) }}",
    "{{ lead.region.ljust(999999999) }}",
    "{{ _('%(x)999999999s', x=1) }}",
    "{{ ('%(a)s' * 9999) % {'a': lead.region * 5000} }}",
    "{{ ('{0}' * 9999).format(lead.region * 5000) }}",
    "{{ ('{a}' * 9999).format_map({'a': lead.region * 5000}) }}",
    "{{ _('%(a)s' * 9999, a=lead.region * 5000) }}",
    "{{ lead.region|format }}{{ '%0999999999d'|format(1) }}",
    "{{ (lead.region * 5000)|replace('', lead.region * 5000) }}",
    "{{ ([lead.region * 5000] * 5000)|join }}",
    "{{ lead.region|batch(999999999, 'x')|list }}",
    "{% set a = [lead.region * 1000] %}" + "{% set a = [a, a] %}" * 40 + "{{ a }}",
    "{% for i in lead.region * 5000 %}{% for j in lead.region * 5000 %}{% endfor %}{% endfor %}",
    "{% for i in lead.region * 5000 %}{{ lead.region * 5000 }}{% endfor %}",
]
PARTS = ("subject", "body_text", "body_mjml")


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


def _fill(payload: str, marker: Path) -> str:
    return payload.replace("{m}", str(marker))


def _draft(part: str, payload: str, kind: str = "offer") -> dict[str, str]:
    source = file_source(kind)
    parts = {"subject": source.subject, "body_text": source.body_text}
    parts["body_mjml"] = source.body_mjml
    if part == "body_mjml":
        payload = f"<mj-section><mj-column><mj-text>{payload}</mj-text></mj-column></mj-section>"
    return {**parts, part: payload}


def _refused(answer: Any, what: object) -> None:
    assert answer.status_code in (400, 422), (what, answer.status_code)
    page = answer.get_data(as_text=True)
    assert 'role="alert"' in page or "This template cannot be used yet" in page, what


def _each_route(
    client: Any, csrf: str, payloads: list[str], marker: Path
) -> list[tuple[str, str, str, int]]:
    """Post every payload to preview, test and save, each in one of the parts in turn (every
    part takes a third of them: the sandbox is one for all three); the answers."""
    answers = []
    for index, payload in enumerate(payloads):
        part = PARTS[index % len(PARTS)]
        form = {**_draft(part, _fill(payload, marker)), "csrf": csrf}
        for route in ("/preview", "/test", ""):
            started = time.monotonic()
            answer = client.post(f"/console/templates/offer{route}", data=form)
            assert time.monotonic() - started < 20, (payload, part, route)
            _refused(answer, (payload, part, route))
            answers.append((payload, part, route, answer.status_code))
    return answers


def test_injected_code_never_runs_in_preview_test_or_save(
    client: Any,
    login: Callable[[Any, str], str],
    marker: Path,
    smtp: MailCapture,
    db_state: Callable[[], Snapshot],
) -> None:
    csrf = login(client, "admin")
    before = db_state()
    answers = _each_route(client, csrf, SSTI, marker)
    assert not marker.exists()
    assert {status for *_, status in answers} == {422}  # validation names the problem first
    assert smtp.messages() == []
    assert db_state()["emailtemplate"] == before["emailtemplate"] == []


def test_resource_bombs_are_stopped_with_a_message(
    client: Any, login: Callable[[Any, str], str], smtp: MailCapture, marker: Path
) -> None:
    csrf = login(client, "admin")
    answers = _each_route(client, csrf, BOMBS, marker)
    # what validation cannot see statically, the sandbox stops at render time (400)
    assert 400 in {status for *_, status in answers}
    assert smtp.messages() == []


def test_a_refusal_says_where_the_author_wrote_it(
    client: Any, login: Callable[[Any, str], str]
) -> None:
    csrf = login(client, "admin")
    body = file_source("offer").body_text + "\n\n{{ lead.__class__ }}\n"
    line = body.count("\n", 0, body.index("__class__")) + 1
    form = {**_draft("body_text", body), "csrf": csrf}
    answer = client.post("/console/templates/offer/preview", data=form)
    assert answer.status_code == 422
    assert f"text line {line}: attribute &#39;__class__&#39;" in answer.get_data(as_text=True)
    bomb = {**_draft("subject", "{{ 'a' * 10**9 }}"), "csrf": csrf}
    for route in ("/preview", "/test"):
        answer = client.post(f"/console/templates/offer{route}", data=bomb)
        assert answer.status_code == 400, route
        assert "longer than 100000 characters" in answer.get_data(as_text=True), route


def test_only_the_roles_that_edit_templates_may_preview_test_save_or_activate(
    app: Any, login: Callable[[Any, str], str], smtp: MailCapture
) -> None:
    for role in sorted(CONSOLE_ROLES):
        client = app.test_client()
        csrf = login(client, role)
        draft = {**_draft("subject", "Hello {{ lead.region }}"), "csrf": csrf}
        answers = {
            "preview GET": client.get("/console/templates/offer/preview"),
            "preview POST": client.post("/console/templates/offer/preview", data=draft),
            "test": client.post("/console/templates/offer/test", data=draft),
            "save": client.post("/console/templates/offer", data=draft),
            "activate": client.post(
                "/console/templates/offer/activate", data={"csrf": csrf, "version": "0"}
            ),
        }
        for route, answer in answers.items():
            if role in EDITORS:
                assert answer.status_code in (200, 302), (role, route, answer.status_code)
            else:
                assert answer.status_code == 403, (role, route, answer.status_code)
        assert client.get("/console/templates/offer").status_code == 200  # reading stays open
    assert len(smtp.messages()) == len(EDITORS)  # one test email per editor


def _activate_unvalidated(rt: Runtime, part: str, payload: str) -> None:
    """An active version that never went through validation (saved before validation
    knew this payload, or written straight into the database)."""
    source = _draft(part, payload)
    with rt.db.transaction() as s:
        s.add(EmailTemplate(kind="offer", version=1, active=True, created_at=rt.clock.now(),
                            **source))  # fmt: skip
    rt.renderer.invalidate()


def test_a_version_the_rules_refuse_is_not_activated(
    client: Any, rt: Runtime, login: Callable[[Any, str], str], marker: Path
) -> None:
    """A rollback to a version saved before validation knew a payload: activating
    checks it as a save does."""
    csrf = login(client, "admin")
    for version, payload in ((1, _fill(SSTI[4], marker)), (2, "{{ 'a' * 10**9 }}")):
        with rt.db.transaction() as s:
            s.add(EmailTemplate(kind="offer", version=version, active=False,
                                created_at=rt.clock.now(),
                                **_draft("body_text", payload)))  # fmt: skip
        answer = client.post(
            "/console/templates/offer/activate", data={"csrf": csrf, "version": str(version)}
        )
        assert answer.status_code == 422, version
        assert "Not activated" in answer.get_data(as_text=True)
    with rt.db.read() as s:
        assert not any(r.active for r in s.exec(select(EmailTemplate)))
    assert rt.renderer.active_version("offer") == 0 and not marker.exists()


def _queue_offer(world: World) -> list[int]:
    world.partner("Stuttgart")
    world.offered_lead()
    with world.rt.db.read() as s:
        return [e.id for e in s.exec(select(OutboundEmail)) if e.id is not None]


@pytest.mark.parametrize("part", PARTS)
def test_the_worker_renders_an_active_template_in_the_sandbox(
    rt: Runtime, world: World, smtp: MailCapture, marker: Path, part: str
) -> None:
    payload = _fill(SSTI[0], marker)
    _activate_unvalidated(rt, part, payload)
    assert isinstance(rt.renderer.compiled("offer").html.environment, SandboxedEnvironment)
    ids = _queue_offer(world)
    assert outbox.dispatch(rt, ids) == 0  # the worker carries on: nothing raised
    assert not marker.exists()
    assert smtp.messages() == []
    with rt.db.read() as s:
        [email] = s.exec(select(OutboundEmail)).all()
    assert email.state == "failed"
    assert email.last_error and "cannot be rendered" in email.last_error
    assert "__globals__" in email.last_error and "unsafe" in email.last_error


def test_a_resource_bomb_in_an_active_template_fails_the_email_not_the_worker(
    rt: Runtime, world: World, smtp: MailCapture
) -> None:
    _activate_unvalidated(rt, "body_text", "{% for i in range(10**9) %}x{% endfor %}")
    ids = _queue_offer(world)
    assert outbox.dispatch(rt, ids) == 0
    with rt.db.read() as s:
        [email] = s.exec(select(OutboundEmail)).all()
    assert email.state == "failed" and "MAX_RANGE" in (email.last_error or "")


def test_every_template_source_compiles_in_the_sandbox() -> None:
    compiled = compile_source(file_source("offer"), layout())
    templates = [compiled.subject, compiled.text, compiled.html]
    templates += [t for lang in compiled.languages.values() for t in lang]
    assert all(isinstance(t.environment, SandboxedEnvironment) for t in templates)


@pytest.mark.parametrize(
    "source",
    [
        "{{ _.__globals__ }}",
        "{{ gettext.__globals__ }}",
        "{{ ngettext.__globals__ }}",
        "{{ _.__call__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.__class__ }}",
        "{{ x|attr('__class__') }}",
        "{{ '{0.__class__}'.format(x) }}",
        "{{ x.__getitem__('a') }}",
    ],
)
def test_the_sandbox_refuses_private_attributes_at_render_time(source: str) -> None:
    """The runtime guarantee behind validation: even an unvalidated source cannot reach
    Python internals through ``_`` or any other global or filter."""
    with pytest.raises(SecurityError):
        TEXT_ENV.from_string(source).render(x={"a": 1}, money=None)


@pytest.mark.parametrize(
    "source",
    [
        "{{ range(10**9)|list }}",
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
        "{{ lipsum(n=10**6) }}",
        "{{ 'a' * 10**9 }}",
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s }}",
        "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}"
        "{% endfor %}",
        "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}"
        "{{ m(40) }}",
        "{% for i in range(99999) %}{{ 'x' * 99999 }}{% endfor %}",
        "{{ 'x'|batch(5, fill_with=[1, 2]) }}",
        "{{ [[1]]|sum(start=[]) }}",
        "{% set ns = namespace(x=10**1000) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}"
        "{% endfor %}",
    ],
)
def test_the_sandbox_stops_resource_exhaustion(source: str) -> None:
    started = time.monotonic()
    with pytest.raises((SecurityError, OverflowError, UndefinedError)):
        TEXT_ENV.from_string(source).render()
    assert time.monotonic() - started < 10


def test_the_sandbox_keeps_what_templates_need() -> None:
    text = (
        "{{ _('Hello %(name)s,', name=n) }} {{ amount|money('EUR') }} {{ url|safe_url }}"
        "{% if url is http_url %} ok{% endif %} {{ ngettext('%(num)s lead', '%(num)s leads', 2) }}"
        "{% for a, b in [('x', 1), ('y', 2)] %} {{ a }}{{ b }}{% endfor %} {{ 'ab' * 2 }}"
        " {{ '{:>4}'.format(7) }} {{ '%05.1f' % 2.5 }} {{ 'a-b'.split('-')|join('+') }}"
    )
    out = TEXT_ENV.from_string(text).render(n="Anna", amount="12500", url="https://x.test/a")
    expected = "Hello Anna, €12,500.00 https://x.test/a ok 2 leads x1 y2 abab    7 002.5 a+b"
    assert out == expected
    german = TEXT_ENV.from_string("{{ _('Pick this lead') }}").render(lang="de")
    assert german != "Pick this lead"


@pytest.mark.parametrize(
    ("part", "text", "expected"),
    [
        ("body_text", "Hi\n\n{{ lead.__class__ }}", "text line 3: attribute '__class__'"),
        ("subject", "{{ lead['__init__'] }}", "subject line 1: attribute '__init__'"),
        ("body_text", "{{ lead|attr('_x') }}", "text line 1: attribute '_x'"),
        ("body_text", "{{ lead|attr(lead.id) }}", "text line 1: |attr takes a quoted name"),
        ("body_text", "{{ [lead]|map('attr', '__class__')|list }}", "attribute '__class__'"),
        ("body_text", "{{ [lead]|sort(false, false, '__class__') }}", "attribute '__class__'"),
        ("body_text", "x\n{{ lead|map(attribute='a._b')|list }}", "text line 2: attribute 'a._b'"),
        ("body_text", "{{ '{0.__class__}'.format(lead) }}", "text line 1: attribute '__class__'"),
        ("body_text", "{{ lead.id|nope }}", "text line 1: unknown filter 'nope'"),
        ("body_text", "{{ lead.id|center(9) }}", "text line 1: unknown filter 'center'"),
        ("body_text", "{% if lead is nope %}{% endif %}", "text line 1: unknown test 'nope'"),
        ("body_text", "{% include 'x' %}", "text line 1: {% include %}"),
        ("body_text", "{% for x in lead recursive %}{% endfor %}", "text line 1: recursive"),
        ("body_text", "{{ '%9999s' % lead.id }}", "text line 1: a format width"),
        ("body_mjml", "{{ _.__globals__ }}", "MJML line 1: attribute '__globals__'"),
    ],
)
def test_validation_names_the_private_attribute_and_its_line(
    part: str, text: str, expected: str
) -> None:
    source = Source("offer", -1, **_draft(part, text))
    errors = validate(source, layout())
    assert any(expected in e for e in errors), errors
