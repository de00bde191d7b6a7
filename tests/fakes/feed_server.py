"""An RSS 2.0 / Atom feed served from 127.0.0.1, whose entries the test changes between checks.

`entries` is a list of dicts (id, title, link, published as a datetime); `atom=True` serves Atom.
The feed answers ETag / If-None-Match with 304 like real blogs do, and records every request.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.server import FakeServer


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FeedServer(FakeServer):
    def __init__(self, atom: bool = False) -> None:
        self.entries: list[dict] = []
        self.files: dict[str, bytes] = {}  # other paths to serve as-is (media for the CSV import)
        self.atom = atom
        super().__init__()

    def document(self) -> str:
        if self.atom:
            items = "".join(
                f"<entry><id>{_esc(e['id'])}</id><title>{_esc(e['title'])}</title>"
                f"<link href=\"{_esc(e['link'])}\"/><updated>{e['published'].isoformat()}</updated>"
                f"<summary>{_esc(e.get('summary', ''))}</summary></entry>"
                for e in self.entries
            )
            return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    f"<title>Test blog</title><id>urn:test</id>{items}</feed>")
        items = "".join(
            f"<item><guid>{_esc(e['id'])}</guid><title>{_esc(e['title'])}</title><link>{_esc(e['link'])}</link>"
            f"<pubDate>{format_datetime(e['published'])}</pubDate>"
            f"<description>{_esc(e.get('summary', ''))}</description></item>"
            for e in self.entries
        )
        return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Test blog</title>'
                f"<link>http://example.com/</link>{items}</channel></rss>")

    def build(self) -> Starlette:
        async def feed(request: Request) -> Response:
            await self.record(request)
            body = self.document()
            etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
            if request.headers.get("if-none-match") == etag:
                return Response(status_code=304, headers={"etag": etag})
            behavior = self.next_behavior("GET /feed.xml")
            if isinstance(behavior, int):
                return Response("broken", status_code=behavior)
            return Response(body, media_type="application/rss+xml", headers={"etag": etag})

        async def file(request: Request) -> Response:
            await self.record(request)
            data = self.files.get(request.url.path)
            return Response(data, media_type="application/octet-stream") if data else Response(status_code=404)

        return Starlette(routes=[Route("/feed.xml", feed), Route("/{path:path}", file)])

    @property
    def feed_url(self) -> str:
        return f"{self.url}/feed.xml"


def entry(n: int, published: datetime) -> dict:
    return {"id": f"urn:post:{n}", "title": f"Article {n}", "link": f"https://blog.example.com/{n}",
            "published": published, "summary": f"<p>Summary <b>{n}</b></p>"}
