"""CSV export of the audit log as a plain backend download (Owner/Admin, the session's workspace only).

A route for the same reason as the analytics export: a long log should stream as one HTTP
response, not travel base64-encoded through the state websocket. The filters come from the query
string and are validated by the service; the workspace and role come from the session cookie.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from services.audit.log import AuditFilters, export_csv, export_filename, parse_day
from services.errors import UserError
from services.permissions import PermissionDenied, require
from socialhub_app.request_session import request_user

EXPORT_PATH = "/audit/export.csv"


def filters_from_query(params) -> AuditFilters:  # noqa: ANN001 - Starlette's QueryParams
    raw_user = params.get("user", "").strip()
    return AuditFilters(
        user_id=int(raw_user) if raw_user.isdigit() else None,
        action=params.get("action", "").strip()[:80],
        start=parse_day(params.get("start", ""), "start"),
        end=parse_day(params.get("end", ""), "end"),
    )


async def audit_export(request: Request) -> Response:
    user = await request_user(request)
    if user is None:
        return PlainTextResponse("Please log in to download the audit log.", status_code=401)
    try:
        require(user, "audit.read")
        f = filters_from_query(request.query_params)
        body = await run_in_threadpool(export_csv, user, f)
    except PermissionDenied as exc:
        return PlainTextResponse(exc.message, status_code=403)
    except UserError as exc:
        return PlainTextResponse(str(exc), status_code=400)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(f)}"', "Cache-Control": "no-store"},
    )


def audit_routes() -> list[Route]:
    return [Route(EXPORT_PATH, audit_export)]
