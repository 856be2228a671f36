"""Ops reword a plural message (``ngettext``) per language, form by form: one field per
plural form of the language (Babel's rule: Polish has three), each labelled with the
counts it is for, checked, previewed as a draft, then live for every count."""

from __future__ import annotations

import html
from typing import Any

from sqlmodel import select

from mailflow.mail import kinds
from mailflow.mail import wording as wordings
from mailflow.mail.branding import default_brand
from mailflow.models import EmailWording
from mailflow.runtime import Runtime
from mailflow.web.console.wording_views import field_name
from tests.factories import World
from tests.integration.test_console import _login, _user
from tests.integration.test_template_console import _csrf

KIND = "offer_digest"
SINGULAR = "%(num)s new lead for your company"
PLURAL = "%(num)s new leads for your company"
PAGE = f"/console/templates/{KIND}/wording"
POLISH = ["Jeden nowy lead dla firmy", "%(num)s nowe leady czekają", "%(num)s nowych leadów czeka"]


def _save_forms(client: Any, lang: str, forms: list[str]) -> Any:
    data = {"csrf": _csrf(client, f"{PAGE}?lang={lang}"), "lang": lang}
    data.update({f"{field_name(SINGULAR)}_{i}": form for i, form in enumerate(forms)})
    return client.post(PAGE, data=data)


def _render(rt: Runtime, lang: str, count: int) -> Any:
    sample = kinds.sample(KIND, lang)
    offers = (sample["offers"] * count)[:count]
    return rt.renderer.render(
        KIND, {**sample, "offers": offers, "brand": default_brand(rt.settings)}
    )


def test_the_forms_of_a_plural_follow_each_languages_plural_rule() -> None:
    assert wordings.plural_examples("pl") == [[1], [2, 3, 4, 22], [0, 5, 6, 7]]
    assert wordings.plural_examples("de") == [[1], [0, 2, 3, 4]]
    assert len(wordings.catalog_forms("pl", SINGULAR, PLURAL)) == 3
    assert wordings.plural_problem(PLURAL, ["ein Lead", "%(num)s Leads"]) is None  # no count: fine
    assert wordings.plural_problem(PLURAL, ["%(num)s Lead", "%(count)s Leads"]) == (
        "Unknown placeholder: %(names)s.",
        "count",
    )


def test_the_page_shows_one_field_per_plural_form_of_the_language(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world, role="ops")
    assert _login(client).status_code == 302
    page = html.unescape(client.get(f"{PAGE}?lang=pl").get_data(as_text=True))
    names = [f'name="{field_name(SINGULAR)}_{i}"' for i in range(4)]
    assert [n in page for n in names] == [True, True, True, False]  # Polish: three forms
    assert "2, 3, 4, 22" in page and "nowych leadów" in page  # the counts, the catalog's form
    german = html.unescape(client.get(f"{PAGE}?lang=de").get_data(as_text=True))
    assert names[1] in german and names[2] not in german  # German: two


def test_a_polish_plural_is_saved_previewed_and_published_form_by_form(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world, role="ops")
    assert _login(client).status_code == 302
    assert _save_forms(client, "pl", POLISH).status_code == 302
    preview = html.unescape(client.get(f"{PAGE}/preview?lang=pl&part=text").get_data(True))
    count = len(kinds.sample(KIND, "pl")["offers"])
    expected = POLISH[0] if count == 1 else POLISH[1 if count in (2, 3, 4) else 2]
    assert expected.replace("%(num)s", str(count)) in preview  # the draft in the preview
    assert "nowych leadów czeka" not in _render(rt, "pl", 5).subject  # not live yet

    csrf = _csrf(client, f"{PAGE}?lang=pl")
    assert client.post(f"{PAGE}/publish", data={"csrf": csrf, "lang": "pl"}).status_code == 302
    assert _render(rt, "pl", 1).subject.startswith("Jeden nowy lead dla firmy")
    assert _render(rt, "pl", 3).subject.startswith("3 nowe leady czekają")
    assert _render(rt, "pl", 5).subject.startswith("5 nowych leadów czeka")
    assert "nowych" not in _render(rt, "de", 5).subject  # German keeps its own
    with rt.db.read() as s:
        (row,) = s.exec(select(EmailWording)).all()
        assert (row.lang, row.state, row.texts) == ("pl", "published", {SINGULAR: POLISH})


def test_a_form_with_an_unknown_placeholder_is_refused_on_its_field(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world, role="ops")
    assert _login(client).status_code == 302
    answer = _save_forms(client, "de", ["%(num)s neuer Lead", "%(anzahl)s neue Leads"])
    assert answer.status_code == 422
    page = html.unescape(answer.get_data(as_text=True))
    assert "anzahl" in page and 'aria-invalid="true"' in page
    assert "%(anzahl)s neue Leads" in page  # what was typed stays in its field
    with rt.db.read() as s:
        assert s.exec(select(EmailWording)).all() == []
