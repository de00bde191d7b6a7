"""RFC 9457 problem documents for every refusal the API makes, and the one place statuses are chosen.

Services raise UserError subclasses whose message the UI shows as is; here each one becomes a
`application/problem+json` answer with that same message as `detail`, a stable `type`
(`urn:socialhub:problem:<slug>`) that clients may switch on, and `errors` for field-level
problems. The status comes from what kind of refusal it is (NotFound → 404, Conflict → 409,
PermissionDenied → 403, any other refusal → 422), never from parsing messages.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.api.schemas_out import Problem
from services.errors import Conflict, NotFound, UserError
from services.permissions import PermissionDenied
from services.posts.errors import TargetsInvalid

log = logging.getLogger("socialhub.api")
MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:socialhub:problem:"

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


class ApiProblem(Exception):
    """Raise to answer with a problem document (auth, rate limit, idempotency, bad cursor …)."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.detail = status, slug, detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(
    status: int, slug: str, detail: str, errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = Problem(type=TYPE_PREFIX + slug, title=TITLES.get(status, "Error"), status=status, detail=detail,
                   errors=errors or [])  # fmt: skip
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def classify(exc: UserError) -> tuple[int, str]:
    """(status, slug) for a service refusal."""
    if isinstance(exc, PermissionDenied):
        return 403, "permission-denied"
    if isinstance(exc, NotFound):
        return 404, "not-found"
    if isinstance(exc, Conflict):
        return 409, "conflict"
    if isinstance(exc, TargetsInvalid):
        return 422, "platform-rules"
    return 422, "invalid-request"


async def on_user_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UserError)
    status, slug = classify(exc)
    return problem_response(status, slug, str(exc), [dict(e) for e in exc.field_errors])


async def on_api_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return problem_response(exc.status, exc.slug, exc.detail, exc.errors, exc.headers)


def _field(loc: tuple[Any, ...]) -> tuple[str, str]:
    where = str(loc[0]) if loc else "body"
    return where, ".".join(str(p) for p in loc[1:]) or where


def _message(error: dict[str, Any]) -> str:
    if error.get("type") == "extra_forbidden":
        return "Unknown field; remove it (see the API reference for the fields this call takes)."
    if error.get("type") == "missing":
        return "Required."
    if tuple(error.get("loc", ())) == ("body",) and error.get("type") in ("model_attributes_type", "dict_type"):
        return "Send a JSON object with Content-Type: application/json."
    return str(error.get("msg", "Invalid value."))


async def on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem_response(400, "malformed-json", "The request body is not valid JSON.")
    errors = []
    for error in raw:
        where, field = _field(tuple(error.get("loc", ())))
        errors.append({"field": field, "in": where, "message": _message(error)})
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem_response(422, "validation-error", f"Some fields are invalid: {fields}.", errors)


async def on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    detail = {404: "No such endpoint (see /api/v1/openapi.json).", 405: "This endpoint does not take that method."}
    return problem_response(exc.status_code, slug, detail.get(exc.status_code, str(exc.detail)),
                            headers=getattr(exc, "headers", None))  # fmt: skip


async def on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    """A bug: logged with its traceback; the client gets a problem document, never a stack trace."""
    log.error("unhandled API error: %s", type(exc).__name__, exc_info=exc)
    return problem_response(500, "internal", "Something went wrong on the server; please try again.")


def install(app: Any) -> None:
    app.add_exception_handler(UserError, on_user_error)
    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)


ANSWERED = (400, 401, 403, 404, 409, 413, 422, 429)  # what any call may answer besides success


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries: each status (default: every refusal the API makes) is a problem document."""
    statuses = statuses or ANSWERED
    return {
        s: {"model": Problem, "description": TITLES.get(s, "Error"), "content": {MEDIA_TYPE: {}}}
        for s in statuses
    }
