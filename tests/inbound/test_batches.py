"""A processing job takes several stored messages into one transaction, each in its own
SAVEPOINT: every guarantee of a single message still holds inside a batch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from mailflow.actions.inbound.claim import LEASE, MAX_ATTEMPTS
from mailflow.inbound.process import process_batch
from mailflow.models import Event, InboundEmail, OutboundEmail, Webhook, WebhookDelivery
from mailflow.runtime import Runtime
from tests.inbound.conftest import Offered
from tests.mail import reply


def _states(rt: Runtime) -> dict[int, tuple[str, int]]:
    with rt.db.read() as s:
        rows = s.exec(select(InboundEmail).order_by(col(InboundEmail.id))).all()
        return {r.id: (r.state, r.attempts) for r in rows if r.id is not None}


def _pick(offered: Offered, i: int, message_id: str | None = None) -> bytes:
    return offered.reply_from(i, "We'll take it", message_id)


def _decline(offered: Offered, i: int) -> bytes:
    return offered.reply_from(i, "not interested, too far")


def _pick_and_decline(offered: Offered) -> tuple[int, int]:
    """Stored: the first partner's pick, then the second partner's decline."""
    return offered.store(_pick(offered, 0)), offered.store(_decline(offered, 1))


def test_one_job_applies_the_waiting_messages_and_drops_copies_among_them(
    offered: Offered,
) -> None:
    declined = offered.store(_decline(offered, 1))
    copies = [offered.store(_pick(offered, 0, "<one@dealer.example>")) for _ in range(3)]
    done = process_batch(offered.rt, declined)
    assert {i: o.state for i, o in done.outcomes.items()} == {
        declined: "applied",
        copies[0]: "applied",
        copies[1]: "duplicate",
        copies[2]: "duplicate",
    }
    assert offered.lead_state() == "picked"
    assert offered.offer_states() == ["picked", "declined", "taken"]
    with offered.rt.db.read() as s:
        picks = s.exec(select(Event).where(Event.kind == "lead.picked")).all()
    assert len(picks) == 1 and picks[0].actor == f"contact:{offered.contacts[0].id}"
    assert process_batch(offered.rt, copies[1]).outcomes == {}  # the other jobs find it done


@contextmanager
def _trigger(
    rt: Runtime, name: str, on: str, when: str, sqlite_does: str, postgres_does: str
) -> Iterator[None]:
    """A trigger ``BEFORE UPDATE <on>`` (``OF column ON table``, or ``ON table``) for the
    rows ``when`` (written with NEW and OLD) while the block runs: ``sqlite_does`` (a
    statement), or ``postgres_does`` (a plpgsql function body)."""
    with rt.db.transaction() as s:
        if rt.db.is_sqlite:
            s.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE UPDATE {on} WHEN {when} BEGIN {sqlite_does}; END"
                )
            )
        else:
            s.execute(
                text(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN {postgres_does}; END $$"
                )
            )
            s.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE UPDATE {on} FOR EACH ROW "
                    f"WHEN ({when}) EXECUTE FUNCTION {name}()"
                )
            )
    try:
        yield
    finally:
        with rt.db.transaction() as s:
            if rt.db.is_sqlite:
                s.execute(text(f"DROP TRIGGER {name}"))
            else:
                s.execute(text(f"DROP TRIGGER {name} ON {on.split()[-1]}"))
                s.execute(text(f"DROP FUNCTION {name}()"))


def _failing_update(rt: Runtime, inbound_id: int) -> Any:
    """A real database failure while one message is recorded: a trigger refuses to store
    any outcome but "failed" for it."""
    when = f"NEW.id = {inbound_id} AND NEW.state <> 'failed'"
    raise_ = "RAISE EXCEPTION 'poisoned'"
    on = "OF state ON inboundemail"
    return _trigger(rt, "poison", on, when, "SELECT RAISE(ABORT, 'poisoned')", raise_)


def test_a_message_that_fails_is_rolled_back_alone_retried_and_set_aside(
    offered: Offered,
) -> None:
    rt = offered.rt
    poisoned, declined = _pick_and_decline(offered)
    with _failing_update(rt, poisoned):
        done = process_batch(rt, poisoned)
        assert done.failed == [poisoned] and done.outcomes[declined].state == "applied"
        assert offered.offer_states() == ["open", "declined", "open"]  # its pick rolled back
        assert offered.lead_state() == "offered"
        # its claim is released, so the job's retry takes it again at once
        assert _states(rt)[poisoned] == ("received", 1)
        for tries in range(2, MAX_ATTEMPTS):
            assert process_batch(rt, poisoned).failed == [poisoned]
            assert _states(rt)[poisoned] == ("received", tries)
        done = process_batch(rt, poisoned)  # the last try fails too: set aside
    assert done.failed == [] and done.outcomes[poisoned].state == "failed"
    assert _states(rt) == {poisoned: ("failed", MAX_ATTEMPTS), declined: ("applied", 1)}
    assert offered.lead_state() == "offered"


def _offer_closing_meanwhile(rt: Runtime, offer_id: int) -> Any:
    """The offer is closed between the pick's two UPDATEs (on PostgreSQL another
    transaction can do that): a trigger makes the offer's UPDATE change nothing, after
    the lead's UPDATE went through."""
    when = f"OLD.id = {offer_id} AND NEW.state = 'picked'"
    return _trigger(rt, "closing", "ON offer", when, "SELECT RAISE(IGNORE)", "RETURN NULL")


def test_a_refused_pick_leaves_nothing_of_what_it_wrote_and_the_partner_is_told(
    offered: Offered,
) -> None:
    rt = offered.rt
    picked, declined = _pick_and_decline(offered)
    with _offer_closing_meanwhile(rt, offered.offers[0].id):  # type: ignore[arg-type]
        done = process_batch(rt, picked)
    assert done.failed == []
    assert done.outcomes[picked].state == "refused"
    assert done.outcomes[picked].data == {"code": "taken"}
    assert done.outcomes[declined].state == "applied"
    assert offered.lead_state() == "offered"  # the lead's UPDATE was rolled back with it
    with rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(Event).order_by(col(Event.id)))]
        told = s.exec(
            select(OutboundEmail).where(
                OutboundEmail.kind == "reply_confirmation",
                OutboundEmail.contact_id == offered.contacts[0].id,
            )
        ).all()
    assert "lead.picked" not in kinds and "offer.declined" in kinds
    assert len(told) == 1 and told[0].context["error"] == "This offer was closed meanwhile."


def test_a_retried_message_is_processed_without_fresh_ones(offered: Offered) -> None:
    rt = offered.rt
    poisoned = offered.store(_pick(offered, 0))
    with _failing_update(rt, poisoned):
        assert process_batch(rt, poisoned).failed == [poisoned]
    fresh = offered.store(_decline(offered, 1))
    rt.clock.advance(seconds=LEASE.total_seconds() + 1)
    done = process_batch(rt, poisoned)
    assert list(done.outcomes) == [poisoned] and done.outcomes[poisoned].state == "applied"
    assert _states(rt)[fresh] == ("received", 0)


def test_the_raw_store_commits_with_a_synced_write_ahead_log(offered: Offered) -> None:
    rt = offered.rt
    if not rt.db.is_sqlite:
        return  # PostgreSQL syncs every commit (synchronous_commit=on)
    with rt.db.durable_transaction() as s:
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    with rt.db.transaction() as s:
        assert s.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_every_event_of_a_batch_reaches_the_webhooks_with_its_id(offered: Offered) -> None:
    rt, world = offered.rt, offered.world
    with rt.db.transaction() as s:
        s.add(
            Webhook(
                organization_id=world.manufacturer(),
                url="http://127.0.0.1:9/hook",
                events=["lead.picked"],
                secret="s" * 32,
                created_at=rt.clock.now(),
            )
        )
    second, offers = world.offered_lead()
    contact = world.contacts(offers[0].organization_id)[0]
    key = rt.reply_key(offers[0].id, contact.id)  # type: ignore[arg-type]
    to = f"reply+{key}@{rt.settings.inbound_domain}"
    first = offered.store(_pick(offered, 0))
    offered.store(reply("pick", to=to, sender=contact.email))
    done = process_batch(rt, first)
    assert [o.state for o in done.outcomes.values()] == ["applied", "applied"]
    with rt.db.read() as s:
        picks = {e.lead_id: e.id for e in s.exec(select(Event).where(Event.kind == "lead.picked"))}
        sent = s.exec(select(WebhookDelivery)).all()
    assert set(picks) == {offered.lead.id, second.id}
    assert sorted((d.event_id, d.payload["id"]) for d in sent) == sorted(
        (i, f"evt_{i}") for i in picks.values()
    )
