"""The whole loop over real HTTP and real SMTP: API in, offer emails out, links followed,
two simultaneous picks, details to the winner, taken notice to the others, won by dialog."""

from __future__ import annotations

import re
import threading

import requests

from tests.e2e.conftest import Live
from tests.factories import LEAD_DEFAULTS, World

PII = [
    LEAD_DEFAULTS[k]
    for k in ("customer_name", "customer_email", "customer_phone", "customer_street")
]


def _link(html: str, action: str) -> str:
    found = re.search(rf'href="([^"]+)"[^>]*data-action="{action}"', html)
    assert found, f"no {action} link"
    return found.group(1).replace("&amp;", "&")


def test_the_lead_loop_end_to_end(live: Live, world: World) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe", "Berlin"):
        world.partner(city)
    key = world.api_key()
    auth = {"Authorization": f"Bearer {key}"}
    created = requests.post(
        f"{live.url}/api/v1/leads", json=LEAD_DEFAULTS, headers=auth, timeout=10
    )
    assert created.status_code == 201
    lead_id = created.json()["id"]
    live.queue.drain()

    offers = live.smtp.messages()
    assert len(offers) == 3
    for mail in offers:  # the teaser never carries contact data, anywhere in the message
        assert not any(p.encode() in mail.raw for p in PII)
        assert not any(p in mail.part("html") for p in PII)
    picks = [_link(m.part("html"), "pick") for m in offers]
    assert all(link.startswith(live.url + "/a/") for link in picks)

    for link in picks:  # what a mail scanner does: nothing changes
        assert requests.get(link, timeout=10).status_code == 200
        assert requests.head(link, timeout=10).status_code == 200
    assert (
        requests.get(f"{live.url}/api/v1/leads/{lead_id}", headers=auth, timeout=10).json()["state"]
        == "offered"
    )

    answers: dict[int, requests.Response] = {}
    barrier = threading.Barrier(2)

    def click(i: int) -> None:
        barrier.wait()
        answers[i] = requests.post(picks[i], timeout=30)

    threads = [threading.Thread(target=click, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers.values()) == [200, 409]
    winner = next(i for i, a in answers.items() if a.status_code == 200)
    assert LEAD_DEFAULTS["customer_email"] in answers[winner].text
    assert LEAD_DEFAULTS["customer_email"] not in answers[1 - winner].text

    live.queue.drain()
    lead = requests.get(f"{live.url}/api/v1/leads/{lead_id}", headers=auth, timeout=10).json()
    assert lead["state"] == "picked" and lead["owner"] is not None
    assert sorted(o["state"] for o in lead["offers"]) == ["picked", "taken", "taken"]
    after = live.smtp.messages()[3:]
    winner_addr = offers[winner].to[0]
    details = [m for m in after if m.to[0] == winner_addr]
    taken = [m for m in after if m.to[0] != winner_addr]
    assert len(details) == 1 and len(taken) == 2
    assert LEAD_DEFAULTS["customer_phone"] in details[0].part("plain")
    assert all(not any(p in m.part("html") for p in PII) for m in taken)
    assert {m.message["References"] for m in live.smtp.messages()} == {
        f"<lead-{lead_id}@reply.mailflow.test>"
    }

    feedback = _link(details[0].part("html"), "feedback")
    assert requests.get(feedback, timeout=10).status_code == 200
    won = requests.post(
        feedback, data={"stage": "won", "amount": "12,500", "currency": "EUR"}, timeout=10
    )
    assert won.status_code == 200
    assert (
        requests.get(f"{live.url}/api/v1/leads/{lead_id}", headers=auth, timeout=10).json()["state"]
        == "won"
    )
