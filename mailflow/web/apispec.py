"""The API's route table: each route is declared once with its scope and models; the
decorator registers the Flask view, checks the scope, parses the body and the query
through the models, dumps the answer through the response model — and the OpenAPI 3.1
document is built from the same table and the models' JSON schemas.

No route under ``/api/`` exists outside the table: :func:`check_routes` refuses to start
an app that has one, and :func:`refuse_undeclared` answers 403 to a request for one.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from mailflow.actions.console import apikeys
from mailflow.actions.errors import ActionError, NotAllowed
from mailflow.models.api_schemas import Problem
from mailflow.models.schemas import problems
from mailflow.rules.forminput import MAX_ID
from mailflow.web.errors import problem


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Flask style: /leads/<int:lead_id>
    name: str
    scope: str
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    headers: tuple[str, ...]
    endpoint: str  # Flask's name: "<blueprint>.<function>"


ROUTES: list[Route] = []
PUBLIC = frozenset({"api.openapi_json"})  # the only API endpoint without a key and a scope


def _declared() -> frozenset[str]:
    return PUBLIC | {r.endpoint for r in ROUTES}


def check_routes(app: Flask) -> None:
    """Refuse to start with a route under /api/ that is not in the table (so it would
    have no scope and no documentation)."""
    declared = _declared()
    strays = sorted(
        f"{rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.endpoint not in declared
    )
    if strays:
        raise RuntimeError(f"API routes outside the route table: {', '.join(strays)}")


def refuse_undeclared() -> Response | None:
    """Before every request of the app: an /api/ route outside the table is refused."""
    if not request.path.startswith("/api/") or request.url_rule is None:
        return None
    if request.endpoint not in _declared():
        return problem(403, "Forbidden", "This API route is not in the route table.")
    return None


def require_manufacturer(what: str) -> None:
    """Refuse (403) unless the request's API key is the manufacturer's."""
    if g.organization.kind != "manufacturer":
        raise NotAllowed(f"Only the manufacturer's keys can {what}.")


def validation_problem(exc: ValidationError, what: str) -> Response:
    errors = [{"field": field, "message": message} for field, message in problems(exc, "")]
    return problem(422, "Unprocessable Content", f"The {what} has invalid fields.", errors=errors)


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    scope: str,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    headers: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if scope not in apikeys.ALL_SCOPES:
        raise ValueError(f"{method} {path}: unknown scope {scope!r}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        name = fn.__name__
        ROUTES.append(
            Route(method, path, name, scope, summary, body, query, response, status, headers,
                  f"{bp.name}.{name}")
        )  # fmt: skip

        @functools.wraps(fn)
        def view(**kwargs: Any) -> Any:
            key = getattr(g, "api_key", None)  # None: a blueprint without authentication
            if key is None or scope not in key.scopes:
                return problem(403, "Forbidden", f"This API key lacks the scope {scope!r}.")
            refused = _bad_path(kwargs)
            if refused is not None:
                return refused
            try:
                if body is not None:
                    kwargs["body"] = _parse_body(body)
                if query is not None:
                    kwargs["query"] = query(**request.args.to_dict())
            except _BadJson as exc:
                return problem(400, "Bad Request", exc.detail)
            except ValidationError as exc:
                return validation_problem(exc, "request")
            try:
                result = fn(**kwargs)
            except ActionError as exc:
                title = _TITLES.get(exc.http_status, "Refused")
                extra = {k: v for k, v in exc.details.items() if k not in _PROBLEM_FIELDS}
                return problem(exc.http_status, title, str(exc), **extra)
            return _answer(result, status)

        bp.add_url_rule(path, endpoint=fn.__name__, view_func=view, methods=[method])
        return view

    return decorate


_PROBLEM_FIELDS = frozenset(Problem.model_fields)
_TITLES = {403: "Forbidden", 404: "Not Found", 409: "Conflict", 410: "Gone", 422: "Invalid"}


MAX_DEPTH = 16  # nesting of a request body; the models need 3


class _BadJson(Exception):
    def __init__(self, detail: str = "The body must be a JSON object.") -> None:
        super().__init__(detail)
        self.detail = detail


def _parse_body(model: type[BaseModel]) -> BaseModel:
    try:
        data = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError):  # RecursionError: nested a few thousand deep
        raise _BadJson("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise _BadJson
    if _depth(data) > MAX_DEPTH:
        raise _BadJson(f"The body is nested deeper than {MAX_DEPTH} levels.")
    return model(**data)


def _depth(data: Any) -> int:
    """How deep lists and objects nest in ``data`` (without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, level + 1) for item in items)
    return deepest


_PATH_TEXT = re.compile(r"^[A-Za-z0-9._-]{1,100}$")  # as the document says of text in paths


def _bad_path(kwargs: dict[str, Any]) -> Response | None:
    for name, value in kwargs.items():
        if isinstance(value, int) and value > MAX_ID:
            return problem(404, "Not Found", "No such resource.")
        if isinstance(value, str) and not _PATH_TEXT.match(value):
            detail = f"{name}: 1 to 100 characters of A-Z, a-z, 0-9, '.', '_' and '-'."
            return problem(422, "Unprocessable Content", detail)
    return None


def _answer(result: Any, default_status: int) -> Any:
    if isinstance(result, Response):
        return result
    headers: dict[str, str] = {}
    status = default_status
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    if result is None:
        return Response(status=204, headers=headers)
    # unset optional fields (a teaser has no contact data) are left out, not null
    return result.model_dump(mode="json", exclude_unset=True), status, headers


# -- OpenAPI ---------------------------------------------------------------------------
_PARAM = re.compile(r"<(?:(int|string):)?(\w+)>")


def _path(route: Route) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for kind, name in _PARAM.findall(route.path):
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if kind == "int"
            else {"type": "string", "pattern": _PATH_TEXT.pattern}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return "/api/v1" + _PARAM.sub(r"{\2}", route.path), params


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Query parameters are never null: keep the non-null branch of ``anyOf``."""
    branches = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if len(branches) == 1:
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        return {**branches[0], **rest}
    return {k: v for k, v in schema.items() if k != "default"}


def _query_params(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    return [
        {"name": name, "in": "query", "required": False, "schema": _non_null(prop)}
        for name, prop in schema["properties"].items()
    ]


def _operation(route: Route, refs: dict[Any, Any], path_params: list[Any]) -> dict[str, Any]:
    problem_ref = refs[(Problem, "serialization")]
    op: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "description": f"Needs the scope `{route.scope}`.",
        "parameters": path_params
        + (_query_params(route.query) if route.query else [])
        + [
            {"name": h, "in": "header", "required": False, "schema": {"type": "string"}}
            for h in route.headers
        ],
        "responses": {
            "default": {
                "description": "An error (RFC 9457 problem details).",
                "content": {"application/problem+json": {"schema": problem_ref}},
            }
        },
    }
    if route.response is None:
        op["responses"][str(route.status)] = {"description": "Done."}
    else:
        content = {"application/json": {"schema": refs[(route.response, "serialization")]}}
        op["responses"][str(route.status)] = {"description": "OK.", "content": content}
        if route.status == 201:
            op["responses"]["200"] = {
                "description": "Already there (idempotent).",
                "content": content,
            }
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
        }
    return op


def openapi(title: str, version: str) -> dict[str, Any]:
    models: list[tuple[type[BaseModel], Any]] = [(Problem, "serialization")]
    for r in ROUTES:
        if r.body is not None:
            models.append((r.body, "validation"))
        if r.response is not None:
            models.append((r.response, "serialization"))
    refs, defs = models_json_schema(
        list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        path, params = _path(route)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route, refs, params)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
