"""Serving uploaded media (only to members of the owning workspace) and Demo network post pages.

Public media links (for platforms that fetch files themselves) carry an expiry signed with the
file; Demo post pages are shown only to members of the workspace that posted them.
"""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from services.demo_network import demo_post
from services.media import MediaError
from services.media.backends import MediaStorageUnavailable
from services.media.backends import backend as storage_backend
from services.media.storage import absolute_path, get_asset, media_chunks, public_asset
from services.permissions import allowed
from socialhub_app.request_session import request_user


async def _asset_for(request: Request) -> dict | None:
    user = await request_user(request)
    if user is None or not allowed(user.role, "media.read"):
        return None
    try:
        return await run_in_threadpool(get_asset, user.organization_id, int(request.path_params["asset_id"]))
    except (MediaError, ValueError):
        return None


async def _file(relative: str, media_type: str) -> Response:
    """From the disk as before (range requests work); from the bucket streamed in 1 MB chunks."""
    if storage_backend().name == "local":
        return FileResponse(absolute_path(relative), media_type=media_type)
    try:
        size, chunks = await run_in_threadpool(media_chunks, relative)
    except MediaStorageUnavailable:
        return Response("Media storage unavailable", status_code=503, headers={"Retry-After": "30"})
    except MediaError:
        return Response("Not found", status_code=404)
    return StreamingResponse(chunks, media_type=media_type, headers={"Content-Length": str(size)})


async def media_original(request: Request) -> Response:
    asset = await _asset_for(request)
    if asset is None:
        return Response("Not found", status_code=404)
    return await _file(asset["storage_path"], asset["mime_type"])


async def media_thumbnail(request: Request) -> Response:
    asset = await _asset_for(request)
    if asset is None or not asset["thumbnail_path"]:
        return Response("Not found", status_code=404)
    return await _file(asset["thumbnail_path"], "image/jpeg")


async def media_public(request: Request) -> Response:
    """Signed, expiring link for platforms that fetch media themselves (Instagram, TikTok pull)."""
    p = request.path_params
    asset = await run_in_threadpool(public_asset, int(p["asset_id"]), int(p["expires"]), p["signature"])
    if asset is None:
        return Response("Not found or expired", status_code=404)
    return await _file(asset["storage_path"], asset["mime_type"])


async def demo_post_page(request: Request) -> Response:
    user = await request_user(request)
    if user is None:
        return HTMLResponse(
            "<!doctype html><title>Demo network post</title><h1>Log in to see this Demo network post</h1>"
            "<p>Demo posts are visible only to members of the workspace that posted them. "
            "<a href='/login'>Log in</a></p>",
            status_code=401,
        )
    try:
        post = await run_in_threadpool(demo_post, int(request.path_params["post_id"]), user.organization_id)
    except ValueError:
        post = None
    if post is None or post["deleted"]:
        return HTMLResponse("<h1>Post not found on the Demo network</h1>", status_code=404)
    body = (
        "<!doctype html><title>Demo network post</title>"
        "<body style='font-family:sans-serif;max-width:40em;margin:4em auto'>"
        "<p style='color:#a60'>Demo network — a simulated platform built into SocialHub.</p>"
        f"<article data-testid='demo-post-text' style='white-space:pre-wrap'>{html.escape(post['text'])}</article>"
        f"<p><small>Posted {html.escape(post['created_at'])} · {post['media_count']} media</small></p></body>"
    )
    return HTMLResponse(body)


def media_routes() -> list[Route]:
    return [
        Route("/media/{asset_id:int}", media_original),
        Route("/media/{asset_id:int}/thumb", media_thumbnail),
        Route("/media/public/{asset_id:int}/{expires:int}/{signature}", media_public),
        Route("/demo/post/{post_id}", demo_post_page),
    ]
