"""Downloading a data export from its signed, expiring link (Settings → Your data, or the mailed link).

A route, like the analytics and audit downloads, so a large archive streams from disk as one HTTP
response instead of travelling through the state websocket. The link's HMAC signature and expiry
are checked by the service, and the archive is given only to the person who asked for it (their
login session), so a forwarded mail is not enough.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from services.ownership.exports import purge_expired, resolve_download
from socialhub_app.request_session import request_user


def _page(title: str, text: str, status: int) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><title>{title}</title><body style='font-family:sans-serif;max-width:40em;margin:4em auto'>"
        f"<h1>{title}</h1><p>{text}</p><p><a href='/settings'>Settings</a></p></body>",
        status_code=status,
    )


async def export_download(request: Request) -> Response:
    user = await request_user(request)
    if user is None:
        return _page("Please log in", "Log in to SocialHub, then open the download link again.", 401)
    p = request.path_params
    await run_in_threadpool(purge_expired)
    found = await run_in_threadpool(resolve_download, user.user_id, int(p["export_id"]), int(p["expires"]), p["signature"])
    if found is None:
        return _page("Link not valid", "This download link is wrong, expired, or not yours. Request a new export.", 404)
    path, name = found
    return FileResponse(path, media_type="application/zip", filename=name, headers={"Cache-Control": "no-store"})


def export_routes() -> list[Route]:
    return [Route("/exports/{export_id:int}/{expires:int}/{signature}", export_download)]
