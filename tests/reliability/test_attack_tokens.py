"""Attacks on the signed-link routes: tampered, truncated, wrong-purpose, expired and
future-dated tokens; replayed actions; GET and HEAD that must change nothing; cross-site
posts; the rate limit.

The routes are enumerated from the app's url_map: a new ``<token>`` route fails
``test_every_signed_link_route_is_covered`` until it is added to ``PURPOSE``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from itsdangerous import TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from mailflow.actions import unit
from mailflow.actions.deals.register import register
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.partners.invitations import invite_partner
from mailflow.actions.partners.terms import publish_terms
from mailflow.inbound.process import process
from mailflow.links.claims import ESCALATION_CHOICES, fingerprint
from mailflow.links.signer import PURPOSES
from mailflow.models import Contact, Lead, Offer, TerritoryRequest
from mailflow.models.api_schemas import InvitationIn
from mailflow.models.schemas import DealIn
from mailflow.runtime import Runtime
from tests.factories import World
from tests.mail import reply
from tests.reliability.conftest import Snapshot

# route → the purpose of the token it takes
PURPOSE = {
    "/a/<token>": "pick",
    "/a/<token>/manifest.webmanifest": "portal",
    "/a/<token>/push/subscribe": "portal",
    "/a/<token>/push/unsubscribe": "portal",
    "/a/<token>/deals": "portal",
    "/q/<token>": "qualify",
    "/e/<token>": "escalation",
    "/away/<token>": "away",
    "/p/<token>": "profile",
    "/territory/<token>": "territory",
    "/r/<token>": "choice",
    "/u/<token>": "optout",
    "/reports/unsubscribe/<token>": "report",
    "/reports/unsubscribe/<token>/resubscribe": "report",
    "/console/reset/<token>": "reset",
    "/console/email/<token>": "email",
    "/deal/<token>": "deal",
    "/deal-review/<token>": "deal_review",
    "/join/<token>": "join",
    "/terms/<token>": "terms",
}
# routes under a link that share its rate-limit bucket (the same token)
SHARED_BUCKET = {
    "/reports/unsubscribe/<token>/resubscribe": "/reports/unsubscribe/<token>",
    # the own page's calls (POST only) count against its link
    "/a/<token>/push/subscribe": "/a/<token>",
    "/a/<token>/push/unsubscribe": "/a/<token>",
    "/a/<token>/deals": "/a/<token>/manifest.webmanifest",  # both under one portal link
}
# purposes whose token never expires (an old report must still unsubscribe)
NO_EXPIRY = {"optout", "report"}
REFUSED = {404, 410}


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The token checks do not touch the database: SQLite only keeps these fast."""
    return sqlite_url


@dataclass
class Cast:
    """The people and objects every kind of token points at."""

    rt: Runtime
    offer: Offer
    contact_id: int  # the partner's contact the offer went to
    lead_id: int
    agency_id: int  # a contact who qualifies leads
    manager_id: int  # a partner manager who gets escalations
    user_id: int  # a console user (password reset, email change)
    deal_id: int  # a deal registration of the contact's partner
    inbound_id: int = 1  # a reply asked back ("did you mean …?"); see ``_asked``
    territory_id: int = 1  # a partner's request for wider regions; see ``_territory_request``
    invitation: tuple[int, int] = (1, 1)  # a partner's invitation and its contact; ``_invited``

    def payload(self, purpose: str) -> dict[str, Any]:
        if purpose in ("pick", "decline", "feedback", "portal"):
            return {"o": self.offer.id, "c": self.contact_id, "a": purpose}
        if purpose == "qualify":
            return {"o": self.lead_id, "c": self.agency_id, "a": "qualify"}
        if purpose == "escalation":
            return {"l": self.lead_id, "c": self.manager_id}
        if purpose == "away":
            return {"o": self.offer.organization_id, "c": self.manager_id, "u": "2027-01-15"}
        if purpose == "choice":  # the first choice of a "did you mean …?" email
            return {"m": self.inbound_id, "c": self.contact_id, "k": "0"}
        if purpose in ("report", "profile"):
            return {"c": self.contact_id}
        if purpose == "deal":
            return {"d": self.deal_id, "c": self.contact_id, "a": "open"}
        if purpose == "deal_review":
            return {"d": self.deal_id, "c": self.manager_id, "a": "decide"}
        if purpose == "territory":
            return {"t": self.territory_id, "c": self.manager_id}
        if purpose == "join":
            return {"i": self.invitation[0], "c": self.invitation[1]}
        if purpose == "terms":
            return {"c": self.contact_id}
        if purpose == "optout":
            return {"u": self.contact_id}
        with self.rt.db.read() as s:
            user = s.get(Contact, self.user_id)
            assert user is not None
        if purpose == "email":
            new = f"new-{self.user_id}@elsewhere.example"
            return {"c": self.user_id, "e": new, "f": fingerprint(user.email)}
        assert purpose == "reset"
        return {"c": self.user_id, "f": fingerprint(user.password_hash)}

    def token(self, purpose: str, at: float | None = None) -> str:
        """A correctly signed token; ``at`` dates it (default: now)."""
        keys = list(self.rt.settings.secret_keys)
        if purpose == "optout":
            return str(URLSafeSerializer(keys, salt=_SALTS["report"]).dumps(self.payload(purpose)))
        stamp = int(self.now() if at is None else at)
        signer = type("DatedSigner", (TimestampSigner,), {"get_timestamp": lambda _: stamp})
        serializer = URLSafeTimedSerializer(keys, salt=_SALTS[purpose], signer=signer)
        return str(serializer.dumps(self.payload(purpose)))

    def now(self) -> float:
        return self.rt.clock.now().timestamp()

    def max_age(self, purpose: str) -> int:
        age = self.rt.signer.max_age_s(_PURPOSE_OF[purpose])
        assert age is not None
        return age


_PURPOSE_OF = {
    **{p: "action" for p in ("pick", "decline", "feedback", "portal", "qualify")},
    "escalation": "escalation",
    "away": "away",
    "profile": "profile",
    "territory": "territory",
    "choice": "choice",
    "report": "unsubscribe",
    "reset": "password_reset",
    "email": "email_change",
    "deal": "deal",
    "deal_review": "deal_review",
    "join": "join",
    "terms": "terms",
}
_SALTS = {name: PURPOSES[purpose].salt for name, purpose in _PURPOSE_OF.items()}
ALL_PURPOSES = sorted({*_SALTS, "optout"})


@pytest.fixture
def cast(rt: Runtime, world: World, console_users: dict[str, str]) -> Cast:
    rt.settings = rt.settings.with_(
        token_rate_per_minute=10_000, token_rate_per_ip_per_minute=10_000
    )
    world.partner("Ulm")
    lead, offers = world.offered_lead()
    offer = offers[0]
    contact = world.contacts(offer.organization_id)[0]
    agency = world.partner("Ulm", kind="agency")
    with rt.db.read() as s:
        from sqlmodel import select

        ids = dict(s.exec(select(Contact.role, Contact.id)).all())
    assert lead.id is not None
    with unit(rt, "test", "api") as ctx:
        deal = register(ctx, offer.organization_id, contact.id, DealIn(customer_name="Kunde"))
    return Cast(
        rt=rt,
        offer=offer,
        contact_id=contact.id,  # type: ignore[arg-type]
        lead_id=lead.id,
        agency_id=world.contacts(agency.id)[0].id,  # type: ignore[arg-type]
        manager_id=ids["partner_manager"],
        user_id=ids["admin"],
        deal_id=deal.id,  # type: ignore[arg-type]
    )


def _tampered(token: str) -> list[str]:
    """One character changed in the payload, in the signature; a part swapped."""
    flip = {"A": "B", "B": "A"}

    def change(text: str, at: int) -> str:
        c = text[at]
        return text[:at] + (flip.get(c) or ("A" if c != "A" else "B")) + text[at + 1 :]

    parts = token.split(".")
    out = [change(token, 2), change(token, len(token) - 3)]
    if len(parts) == 3:
        out.append(".".join([parts[0], parts[1], parts[2][::-1]]))
        out.append(".".join([parts[0] + "x", parts[1], parts[2]]))
    return out


def _truncated(token: str) -> list[str]:
    return [token[:-1], token[:-6], token[: len(token) // 2], token.split(".")[0], "."]


def _bad_tokens(cast: Cast, purpose: str) -> dict[str, str]:
    good = cast.token(purpose)
    bad: dict[str, str] = {}
    for i, t in enumerate(_tampered(good)):
        bad[f"tampered {i}"] = t
    for i, t in enumerate(_truncated(good)):
        bad[f"truncated {i}"] = t
    for other in ALL_PURPOSES:
        if _same_route(purpose, other):
            continue
        bad[f"a {other} token"] = cast.token(other)
    if purpose not in NO_EXPIRY:
        now = cast.now()
        bad["expired"] = cast.token(purpose, at=now - cast.max_age(purpose) - 60)
        bad["future-dated"] = cast.token(purpose, at=now + 86400)
    bad["foreign key"] = URLSafeTimedSerializer("not-our-key", salt=_SALTS.get(purpose, "x")).dumps(
        cast.payload(purpose)
    )
    return bad


def _same_route(purpose: str, other: str) -> bool:
    """Tokens a route accepts by design: every action link on ``/a/`` (the action is in
    the token); a qualify link there is sent on to ``/q/`` (tested below)."""
    actions = {"pick", "decline", "feedback", "portal", "qualify"}
    if purpose == "pick":
        return other in actions
    opt_outs = {"report", "optout"}  # an older /u/ link's token still opts out, and back
    if purpose in opt_outs:
        return other in opt_outs
    return other == purpose


def _token_rules(app: Any) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules() if "<token>" in rule.rule}


def _path(rule: str, token: str) -> str:
    return rule.replace("<token>", token)


def test_every_signed_link_route_is_covered(app: Any) -> None:
    assert _token_rules(app) == set(PURPOSE)


def test_bad_tokens_are_refused_with_a_clear_page_and_change_nothing(
    app: Any, client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    client.get("/console/reset")  # a session with a CSRF token, so the forms get that far
    with client.session_transaction() as session:
        csrf = session["csrf"]
    before = db_state()
    unclear = []
    for rule in sorted(_token_rules(app)):
        purpose = PURPOSE[rule]
        for what, token in _bad_tokens(cast, purpose).items():
            path = _path(rule, token)
            for method in sorted(app.url_map.bind("x").allowed_methods(_path(rule, "t"))):
                if method == "OPTIONS":
                    continue
                answer = client.open(path, method=method, data={"csrf": csrf, "choice": "widen"})
                where = f"{method} {rule} with {what}: {answer.status_code}"
                assert answer.status_code in REFUSED, where
                if method != "HEAD" and not _clear_page(answer):
                    unclear.append(where)
    unclear_routes = sorted({u.split(" with ")[0] for u in unclear})
    assert unclear_routes == [], "pages that do not say what is wrong with the link"
    assert db_state() == before


def _clear_page(answer: Any) -> bool:
    """A page for people that says the link is not valid (or expired, or used)."""
    body = answer.get_data(as_text=True)
    return answer.mimetype == "text/html" and any(
        words in body for words in ("not valid", "expired", "used already")
    )


def test_a_qualify_link_opened_as_an_action_link_goes_to_its_own_dialog(
    client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    before = db_state()
    token = cast.token("qualify")
    for method in ("GET", "POST"):
        answer = client.open(f"/a/{token}", method=method)
        assert answer.status_code == 307
        assert answer.headers["Location"].endswith(f"/q/{token}")
    assert db_state() == before


def test_a_portal_or_feedback_link_cannot_pick(
    client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    before = db_state()
    assert client.post(f"/a/{cast.token('portal')}").status_code == 405
    assert client.post(f"/a/{cast.token('feedback')}", data={"stage": "won"}).status_code == 403
    assert db_state() == before


def test_get_and_head_on_every_action_link_change_nothing(
    app: Any, client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    links = [f"/a/{cast.token(a)}" for a in ("pick", "decline", "feedback", "portal")]
    links += [
        f"/a/{cast.token('feedback')}?stage=won",
        f"/a/{cast.token('portal')}/manifest.webmanifest",
        f"/a/{cast.token('portal')}/push/subscribe",  # POST only: 405
        f"/a/{cast.token('portal')}/push/unsubscribe",  # POST only: 405
        f"/a/{cast.token('portal')}/deals",
    ]
    links += [f"/q/{cast.token('qualify')}", f"/u/{cast.token('optout')}"]
    links += [f"/e/{cast.token('escalation')}?choice={c}" for c in ESCALATION_CHOICES]
    links += [f"/away/{cast.token('away')}", f"/p/{cast.token('profile')}"]
    cast.territory_id = _territory_request(cast)
    links += [f"/territory/{cast.token('territory')}"]
    cast.inbound_id = _asked(cast)
    links += [f"/r/{cast.token('choice')}"]
    links += [
        f"/reports/unsubscribe/{cast.token('report')}",
        f"/reports/unsubscribe/{cast.token('report')}/resubscribe",  # POST only: 405
        f"/console/reset/{cast.token('reset')}",
        f"/console/email/{cast.token('email')}",
        f"/deal/{cast.token('deal')}",
        f"/deal-review/{cast.token('deal_review')}",
        f"/terms/{cast.token('terms')}",
    ]
    cast.invitation = _invited(cast)
    links += [f"/join/{cast.token('join')}"]
    covered = {rule for rule in _token_rules(app) if any(_matches(rule, link) for link in links)}
    assert covered == _token_rules(app)
    before = db_state()
    for link in links:
        for method in ("GET", "HEAD"):
            answer = client.open(link, method=method)
            # a POST-only route answers 405; an older /u/ link is sent on to the current page
            allowed = {"/resubscribe": (405,), "/push/": (405,), "/u/": (303,)}.get(
                next((k for k in ("/resubscribe", "/push/", "/u/") if k in link), ""), (200, 403)
            )
            assert answer.status_code in allowed, f"{method} {link}: {answer.status_code}"
    assert db_state() == before


def _asked(cast: Cast) -> int:
    """A reply of the offer's contact that is asked back; its message's id."""
    with cast.rt.db.read() as s:
        contact = s.get(Contact, cast.contact_id)
        assert contact is not None and cast.offer.id is not None
    key = cast.rt.reply_key(cast.offer.id, cast.contact_id)
    raw = reply("Maybe we take it.", to=f"reply+{key}@x.example", sender=contact.email)
    stored = store_raw(cast.rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[])
    outcome = process(cast.rt, stored)
    assert outcome is not None and outcome.state == "asked"
    return stored


def _matches(rule: str, link: str) -> bool:
    head, _, tail = rule.partition("<token>")
    path = link.split("?")[0]
    return (
        path.startswith(head)
        and path.endswith(tail)
        and "/" not in path[len(head) : len(path) - len(tail)]
    )


def _event_names(rt: Runtime) -> list[str]:
    from sqlmodel import col, select

    from mailflow.models import Event

    with rt.db.read() as s:
        return list(s.exec(select(Event.kind).order_by(col(Event.id))).all())


def test_a_replayed_pick_changes_nothing(
    client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    link = f"/a/{cast.token('pick')}"
    assert client.post(link).status_code == 200
    after_first = db_state()
    again = client.post(link)
    assert again.status_code == 200  # the owner sees the details again
    assert db_state() == after_first


def test_a_replayed_decline_changes_nothing(
    client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    link = f"/a/{cast.token('decline')}"
    assert client.post(link, data={"reason": "too far away"}).status_code == 200
    after_first = db_state()
    assert client.post(link, data={"reason": "too far away"}).status_code in (200, 409, 410)
    assert db_state() == after_first


def test_the_same_feedback_form_posted_twice_is_recorded_once(
    client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    assert client.post(f"/a/{cast.token('pick')}").status_code == 200
    link = f"/a/{cast.token('feedback')}"
    form = {"stage": "won", "amount": "17500", "currency": "EUR"}
    assert client.post(link, data=form).status_code == 200
    after_first = db_state()
    again = client.post(link, data=form)
    assert again.status_code == 200 and b"won" in again.data  # the same answer again
    assert db_state() == after_first  # no second report, event, email or points


def test_a_replayed_escalation_choice_changes_nothing(
    client: Any, cast: Cast, world: World, db_state: Callable[[], Snapshot]
) -> None:
    _decline_all(cast, world)
    link = f"/e/{cast.token('escalation')}"
    first = client.post(link, data={"choice": "withdraw"})
    assert first.status_code == 200
    after_first = db_state()
    assert client.post(link, data={"choice": "withdraw"}).status_code == 409
    assert db_state() == after_first


def _decline_all(cast: Cast, world: World) -> None:
    """Every partner declines: the lead is unassigned and escalated to its manager."""
    from mailflow.actions import unit
    from mailflow.actions.leads.decline import decline

    for offer in world.offers(cast.lead_id):
        contact = world.contacts(offer.organization_id)[0]
        with unit(cast.rt, "test", "web") as ctx:
            decline(ctx, offer.id, contact.id, None)  # type: ignore[arg-type]
    with cast.rt.db.read() as s:
        assert s.get(Lead, cast.lead_id).state == "unassigned"  # type: ignore[union-attr]


def test_a_password_reset_link_works_once(
    client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    link = f"/console/reset/{cast.token('reset')}"
    client.get("/console/reset")
    with client.session_transaction() as session:
        form = {
            "csrf": session["csrf"],
            "password": "a new long passphrase",
            "password2": "a new long passphrase",
        }
    assert client.post(link, data=form).status_code == 200
    after_first = db_state()
    assert client.post(link, data=form).status_code == 410
    assert db_state() == after_first


def test_unsubscribing_twice_records_it_once(
    client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    for link in (f"/u/{cast.token('optout')}", f"/reports/unsubscribe/{cast.token('report')}"):
        assert client.post(link).status_code == 200
        after_first = db_state()
        assert client.post(link).status_code == 200
        assert db_state() == after_first, link


def test_cross_site_posts_to_the_dialogs_are_refused(
    client: Any, cast: Cast, world: World, db_state: Callable[[], Snapshot]
) -> None:
    """The dialogs post only to themselves; a form on another site is refused (the
    one-click unsubscribe links are exempt: mail clients post them, RFC 8058)."""
    _decline_all(cast, world)
    before = db_state()
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    for link, form in (
        (f"/a/{cast.token('pick')}", {}),
        (f"/a/{cast.token('decline')}", {}),
        (f"/a/{cast.token('feedback')}", {"stage": "won"}),
        (f"/q/{cast.token('qualify')}", {"decision": "approve"}),
        (f"/e/{cast.token('escalation')}", {"choice": "withdraw"}),
        (f"/away/{cast.token('away')}", {}),
        (f"/r/{cast.token('choice')}", {}),
        (f"/deal/{cast.token('deal')}", {"customer_name": "Someone else"}),
        (f"/a/{cast.token('portal')}/deals", {"customer_name": "Someone"}),
        (f"/deal-review/{cast.token('deal_review')}", {"decision": "approve"}),
    ):
        assert client.post(link, data=form, headers=cross).status_code == 403, link
    assert db_state() == before


def test_every_signed_link_route_is_rate_limited(
    app: Any, client: Any, cast: Cast, db_state: Callable[[], Snapshot]
) -> None:
    cast.rt.settings = cast.rt.settings.with_(token_rate_per_minute=3)
    before = db_state()
    tokens = {purpose: cast.token(purpose) for purpose in set(PURPOSE.values())}
    for rule in sorted(_token_rules(app) - set(SHARED_BUCKET)):
        path = _path(rule, tokens[PURPOSE[rule]])
        answers = [client.get(path) for _ in range(4)]
        assert [a.status_code == 429 for a in answers] == [False, False, False, True], rule
        refused = answers[-1]
        assert int(refused.headers["Retry-After"]) >= 1
        assert b"Too many requests" in refused.data
        assert client.post(path, data={"choice": "withdraw"}).status_code == 429, rule
    for rule in SHARED_BUCKET:  # its link's bucket is spent above
        assert client.post(_path(rule, tokens[PURPOSE[rule]])).status_code == 429, rule
    assert db_state() == before


def test_each_link_has_its_own_bucket(app: Any, client: Any, cast: Cast, world: World) -> None:
    """Two contacts' links of one kind do not share a limit."""
    cast.rt.settings = cast.rt.settings.with_(token_rate_per_minute=2)
    other = world.partner("Ulm")
    other_contact = world.contacts(other.id)[0].id  # type: ignore[arg-type]
    tokens = {purpose: cast.token(purpose) for purpose in set(PURPOSE.values())}
    for rule in sorted(_token_rules(app) - set(SHARED_BUCKET)):
        purpose = PURPOSE[rule]
        mine = _path(rule, tokens[purpose])
        assert [client.get(mine).status_code == 429 for _ in range(3)] == [False, False, True]
        theirs = _path(rule, _token_for(cast, purpose, other_contact))
        assert client.get(theirs).status_code != 429, rule
    for rule in SHARED_BUCKET:  # the same link, so the same spent bucket
        assert client.post(_path(rule, tokens[PURPOSE[rule]])).status_code == 429, rule


def _token_for(cast: Cast, purpose: str, contact_id: int) -> str:
    """The same kind of token for another person (another console user for a reset or an
    email change, another invitation for a join link: the same payload signed twice differs
    only when a second passes between, which made this test pass by timing)."""
    twin = dataclasses.replace(
        cast, contact_id=contact_id, agency_id=contact_id, manager_id=contact_id,
        user_id=cast.manager_id, invitation=(cast.invitation[0] + 1, contact_id),
    )  # fmt: skip
    return twin.token(purpose)


def test_the_back_field_of_a_dialog_never_redirects_elsewhere(
    client: Any, cast: Cast, world: World
) -> None:
    """After a one-click action from the partner's own page, the dialog goes back to it —
    only to that contact's own signed page, never to an address from the form."""
    other = world.partner("Ulm")
    others_portal = _token_for(cast, "portal", world.contacts(other.id)[0].id)  # type: ignore[arg-type]
    assert client.post(f"/a/{cast.token('pick')}").status_code == 200
    link = f"/a/{cast.token('feedback')}"
    for back in ("https://evil.example/", "//evil.example", "/\\evil.example",
                 "javascript:alert(1)", others_portal, cast.token("decline")):  # fmt: skip
        answer = client.post(link, data={"stage": "contacted", "back": back})
        assert answer.status_code == 200, back  # the page itself, no redirect
        assert "Location" not in answer.headers, back
    own = cast.token("portal")
    answer = client.post(link, data={"stage": "contacted", "back": own})
    assert answer.status_code == 303
    where, _, notice = answer.headers["Location"].partition("?")
    assert where.endswith(f"/a/{own}") and notice.startswith("done=contacted&lead=")


def _invited(cast: Cast) -> tuple[int, int]:
    """A partner invited (the terms published first), not joined yet."""
    with unit(cast.rt, "test", "cli") as ctx:
        for kind in ("terms", "dpa"):
            publish_terms(ctx, kind, {"en": f"The {kind}."})
        data = InvitationIn(email="new@joining.example", partner_name="Joining GmbH")
        invitation = invite_partner(ctx, data)
    assert invitation.id is not None
    return invitation.id, invitation.contact_id


def _territory_request(cast: Cast) -> int:
    """A partner's pending request for wider regions, as the profile page leaves one."""
    with cast.rt.db.transaction() as s:
        request = TerritoryRequest(
            organization_id=cast.offer.organization_id,
            contact_id=cast.contact_id,
            territory=["AT"],
            wider=["AT"],
            created_at=cast.rt.clock.now(),
        )
        s.add(request)
        s.flush()
        assert request.id is not None
        return request.id
