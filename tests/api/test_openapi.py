"""The OpenAPI document matches the implementation: schemathesis generates requests for
every operation from the document and checks each answer against it (bounded run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from mailflow.runtime import Runtime
from mailflow.web import create_app
from tests.conftest import make_settings
from tests.factories import World

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def api(tmp_path: Path, sqlite_url: str) -> Any:
    rt = Runtime(make_settings(tmp_path, sqlite_url, api_rate_per_minute="100000"))
    world = World(rt)
    world.partner("Stuttgart")
    world.partner("Ulm")
    world.offered_lead(external_id="crm-1")
    app = create_app(rt)
    yield app, world.api_key()
    rt.close()


def test_the_document_is_openapi_3_1_and_public(api: Any) -> None:
    app, _ = api
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    assert {"post", "get"} <= set(doc["paths"]["/api/v1/leads"])
    assert "Idempotency-Key" in [
        p["name"] for p in doc["paths"]["/api/v1/leads"]["post"]["parameters"]
    ]
    assert "LeadIn" in doc["components"]["schemas"]


def test_every_operation_answers_as_documented(api: Any) -> None:
    app, key = api
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call_and_validate(
                headers={"Authorization": f"Bearer {key}"}, checks=CHECKS
            )
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        run()
    answered = {label for label, codes in statuses.items() if codes & {200, 201, 204}}
    print(sorted(statuses.items()))
    # the generated requests really reached the handlers, not only the validation
    assert {"GET /api/v1/leads", "POST /api/v1/leads", "GET /api/v1/kpis"} <= answered
