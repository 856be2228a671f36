"""A realistic demo world: a heat-pump manufacturer, two distributors, dealers in
German and Austrian cities, contacts in English and German, and a few leads."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from mailflow.actions.console import apikeys
from mailflow.models import Brand, Contact, Organization
from mailflow.rules.geo import CITIES
from mailflow.rules.passwords import hash_password

MANUFACTURER = "Nordwind Wärmepumpen GmbH"
# the demo manufacturer's emails wear its brand (the console's Brand page changes it)
IMPRINT = (
    "Nordwind Wärmepumpen GmbH\nIndustriestraße 12, 70565 Stuttgart\n"
    "Amtsgericht Stuttgart HRB 765432 · Geschäftsführerin: Helga Nordmann"
)

# name, city, level, expertise, certifications, contact name, email, language
DEALERS = [
    (
        "Haustechnik Brandl",
        "München",
        "gold",
        ["heat pumps", "solar"],
        ["F-Gas"],
        "Anna Brandl",
        "anna@brandl-haustechnik.example",
        "de",
    ),
    (
        "Klima Kraus GmbH",
        "Augsburg",
        "silver",
        ["heat pumps", "ventilation"],
        ["F-Gas"],
        "Markus Kraus",
        "m.kraus@klima-kraus.example",
        "de",
    ),
    (
        "Energiewerk Nürnberg",
        "Nürnberg",
        "premium",
        ["heat pumps", "storage"],
        ["F-Gas", "KfW"],
        "Julia Weber",
        "julia.weber@energiewerk.example",
        "en",
    ),
    (
        "Stuttgarter Wärme KG",
        "Stuttgart",
        "gold",
        ["heat pumps"],
        ["F-Gas"],
        "Thomas Maier",
        "t.maier@stuttgarter-waerme.example",
        "de",
    ),
    (
        "Rhein Heizung & Sanitär",
        "Köln",
        "standard",
        ["heat pumps", "boilers"],
        [],
        "Lena Fischer",
        "lena@rhein-hs.example",
        "de",
    ),
    (
        "Nordlicht Energietechnik",
        "Hamburg",
        "silver",
        ["heat pumps", "solar"],
        ["KfW"],
        "Ole Hansen",
        "ole.hansen@nordlicht.example",
        "en",
    ),
    (
        "Berliner Gebäudetechnik",
        "Berlin",
        "premium",
        ["heat pumps", "ventilation"],
        ["F-Gas", "KfW"],
        "Sophie Wagner",
        "s.wagner@bgt-berlin.example",
        "de",
    ),
    (
        "Wiener Klimatechnik",
        "Wien",
        "gold",
        ["heat pumps", "ventilation"],
        ["F-Gas"],
        "Lukas Gruber",
        "l.gruber@wiener-klima.example",
        "de",
    ),
    (
        "Grazer Haustechnik",
        "Graz",
        "standard",
        ["heat pumps"],
        [],
        "Eva Huber",
        "eva@grazer-haustechnik.example",
        "en",
    ),
    (
        "Salzburg Solar & Wärme",
        "Salzburg",
        "silver",
        ["solar", "heat pumps"],
        ["F-Gas"],
        "Florian Bauer",
        "f.bauer@sbg-solar.example",
        "de",
    ),
    (
        "Tiroler Energie Partner",
        "Innsbruck",
        "gold",
        ["heat pumps", "storage"],
        ["F-Gas"],
        "Katharina Moser",
        "k.moser@tep.example",
        "en",
    ),
]

DEMO_LEADS = [
    {
        "customer_name": "Petra Schmid",
        "customer_company": "Bäckerei Schmid",
        "customer_email": "petra@baeckerei-schmid.example",
        "customer_phone": "+49 89 1234567",
        "customer_street": "Leopoldstraße 12",
        "postal_code": "80802",
        "city": "München",
        "country": "DE",
        "temperature": "hot",
        "product_line": "Air-to-water heat pump 16 kW",
        "requirement": "Replace an old oil boiler in a bakery with shop; 220 m², wants installation before winter.",
        "value": "24000",
        "source": "website",
    },
    {
        "customer_name": "Herbert Leitner",
        "customer_email": "h.leitner@example.at",
        "customer_phone": "+43 1 5551234",
        "customer_street": "Mariahilfer Straße 88",
        "postal_code": "1070",
        "city": "Wien",
        "country": "AT",
        "temperature": "warm",
        "product_line": "Heat pump + ventilation",
        "value": "18500",
        "source": "trade fair",
        "requirement": "Renovated 1930s apartment building, 6 units; asks for a combined heat pump and ventilation concept.",
    },
]


DEMO_OPS_EMAIL = "ops@nordwind.example"
DEMO_OPS_PASSWORD = "mailflow-demo"


DEMO_OPS_EMAIL = "ops@nordwind.example"
DEMO_OPS_PASSWORD = "mailflow-demo"


def seed_world(session: Session, now: datetime, api_key: str | None = None) -> str:
    """Create the demo organizations and contacts; returns the manufacturer's API key."""
    maker = _org(
        session, now, name=MANUFACTURER, kind="manufacturer", city="Stuttgart", level="premium"
    )
    ops = _contact(
        session, now, maker, "Clara Ops", DEMO_OPS_EMAIL, "en", role="admin", offers=False
    )
    ops.password_hash = hash_password(DEMO_OPS_PASSWORD)
    _contact(
        session,
        now,
        maker,
        "Jonas Partnermanager",
        "jonas.pm@nordwind.example",
        "de",
        role="partner_manager",
        offers=False,
    )
    south = _org(
        session,
        now,
        name="Nordwind Vertrieb Deutschland",
        kind="distributor",
        city="Frankfurt am Main",
        parent=maker,
        level="premium",
    )
    alps = _org(
        session,
        now,
        name="Alpen Klima Handel GmbH",
        kind="distributor",
        city="Linz",
        parent=maker,
        level="gold",
    )
    for contact_org, who, email in (
        (south, "Miriam Keller", "m.keller@nordwind-vertrieb.example"),
        (alps, "Stefan Pichler", "s.pichler@alpenklima.example"),
    ):
        _contact(session, now, contact_org, who, email, "de", role="manager", offers=False)
    for name, city, level, expertise, certs, person, email, lang in DEALERS:
        parent = alps if CITIES[city][0] == "AT" else south
        dealer = _org(
            session,
            now,
            name=name,
            kind="dealer",
            city=city,
            parent=parent,
            level=level,
            expertise=expertise,
            certifications=certs,
        )
        _contact(session, now, dealer, person, email, lang)
    assert maker.id is not None
    session.add(
        Brand(
            organization_id=maker.id,
            name="Nordwind",
            sender_name="Nordwind Partnerportal",
            color="#0a6e8a",
            background="#eef3f5",
            imprint=IMPRINT,
            updated_at=now,
        )
    )
    key = api_key or apikeys.new_key()
    apikeys.store(session, maker.id, key, "demo", now)
    return key


def manufacturer(session: Session) -> Organization | None:
    return session.exec(select(Organization).where(Organization.kind == "manufacturer")).first()


def _org(
    session: Session,
    now: datetime,
    *,
    name: str,
    kind: str,
    city: str,
    level: str,
    parent: Organization | None = None,
    expertise: list[str] | None = None,
    certifications: list[str] | None = None,
) -> Organization:
    country, lat, lon = CITIES[city]
    org = Organization(
        name=name,
        kind=kind,
        city=city,
        country=country,
        lat=lat,
        lon=lon,
        level=level,
        parent_id=parent.id if parent else None,
        expertise=expertise or [],
        certifications=certifications or [],
        languages=["de", "en"],
        created_at=now,
    )
    session.add(org)
    session.flush()
    return org


def _contact(
    session: Session,
    now: datetime,
    org: Organization,
    name: str,
    email: str,
    lang: str,
    role: str = "sales",
    offers: bool = True,
) -> Contact:
    assert org.id is not None
    contact = Contact(
        organization_id=org.id,
        name=name,
        email=email,
        language=lang,
        role=role,
        receives_offers=offers,
        created_at=now,
    )
    session.add(contact)
    return contact
