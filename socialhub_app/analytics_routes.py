"""CSV export of the Analytics page as a plain backend download.

A route rather than `rx.download(data=...)`: a year of a busy workspace is megabytes, which should
stream as one HTTP response instead of travelling base64-encoded through the state websocket. Like
the media routes it answers only to a logged-in member, for their own workspace, in their timezone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from services.analytics.export import export_csv, export_filename
from services.analytics.filters import AnalyticsFilters
from services.analytics.sqltime import AnalyticsInputError
from services.permissions import PermissionDenied, require
from socialhub_app.request_session import request_user


def _day(params: Mapping[str, str], name: str) -> date:
    raw = params.get(name, "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise AnalyticsInputError(f"The {name} date {raw!r} is not a date (use YYYY-MM-DD).") from exc


def _csv_list(params: Mapping[str, str], name: str) -> list[str]:
    return [part.strip() for part in params.get(name, "").split(",") if part.strip()]


def filters_from_query(params: Mapping[str, str], tz: str) -> AnalyticsFilters:
    accounts = _csv_list(params, "accounts")
    if not all(a.isdigit() for a in accounts):
        raise AnalyticsInputError("Accounts must be account ids.")
    return AnalyticsFilters(
        _day(params, "start"),
        _day(params, "end"),
        tz,
        tuple(int(a) for a in accounts),
        tuple(_csv_list(params, "platforms")),
    )


async def analytics_export(request: Request) -> Response:
    user = await request_user(request)
    if user is None:
        return PlainTextResponse("Please log in to download analytics.", status_code=401)
    try:
        require(user, "analytics.read")
    except PermissionDenied as exc:
        return PlainTextResponse(exc.message, status_code=403)
    try:
        f = filters_from_query(request.query_params, user.timezone)
    except AnalyticsInputError as exc:
        return PlainTextResponse(exc.message, status_code=400)
    body = await run_in_threadpool(export_csv, user.organization_id, f)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(f)}"', "Cache-Control": "no-store"},
    )


def analytics_routes() -> list[Route]:
    return [Route("/analytics/export.csv", analytics_export)]
