"""Fake Telegram Bot API: `POST /bot<token>/<method>` with JSON, urlencoded or multipart bodies.

Answers use the Bot API envelope `{"ok": true, "result": …}` / `{"ok": false, "error_code": …,
"description": …, "parameters": {"retry_after": N}}`. Faults are queued per method name:
`fake.behaviors["sendMessage"] = [429, "timeout", 500]` (429 carries retry_after = `fake.retry_after`).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import STALL_SECONDS
from tests.fakes.server import FakeServer

BOT_TOKEN = "123456789:AAFakeTelegramBotTokenForTests_abcdef"
BOT_ID = 123456789
CHANNEL = "@socialhub_news"
CHANNEL_ID = -1001234567890
NOT_ADMIN_CHANNEL = "@not_admin_here"
NOT_ADMIN_ID = -1009876543210
DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot is not a member of the channel chat",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class TelegramFake(FakeServer):
    def __init__(self) -> None:
        self.bots: dict[str, dict[str, Any]] = {
            BOT_TOKEN: {"id": BOT_ID, "is_bot": True, "first_name": "SocialHub", "username": "socialhub_test_bot"}
        }
        self.chats: dict[int, dict[str, Any]] = {}
        self.members: dict[tuple[int, int], dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []  # (method, parsed params incl. file metadata)
        self.retry_after = 7
        super().__init__()
        self.reset()

    def reset(self) -> None:
        self.chats = {
            CHANNEL_ID: {"id": CHANNEL_ID, "type": "channel", "title": "SocialHub News", "username": CHANNEL[1:]},
            NOT_ADMIN_ID: {"id": NOT_ADMIN_ID, "type": "channel", "title": "Not Admin Here", "username": NOT_ADMIN_CHANNEL[1:]},
        }
        self.members = {
            (CHANNEL_ID, BOT_ID): {"status": "administrator", "can_post_messages": True},
            (NOT_ADMIN_ID, BOT_ID): {"status": "member"},
        }
        self.messages.clear()
        self.calls.clear()
        self.behaviors.clear()
        self.recorded.clear()
        self.retry_after = 7

    def build(self) -> Starlette:
        return Starlette(routes=[Route("/bot{token}/{method}", self.dispatch, methods=["GET", "POST"])])

    # --- plumbing --------------------------------------------------------------------
    @staticmethod
    def ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    def error(self, code: int, description: str = "") -> JSONResponse:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description or DESCRIPTIONS.get(code, "Error")}
        if code == 429:
            body["description"] = f"Too Many Requests: retry after {self.retry_after}"
            body["parameters"] = {"retry_after": self.retry_after}
        return JSONResponse(body, status_code=code)

    async def _params(self, request: Request) -> dict[str, Any]:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/json"):
            return dict(await request.json())
        if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            form = await request.form()
            params: dict[str, Any] = {}
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    data = await value.read()
                    params[key] = {"filename": value.filename, "size": len(data), "content_type": value.content_type}
                else:
                    params[key] = value
            return params
        return dict(request.query_params)

    def _chat(self, ref: Any) -> dict[str, Any] | None:
        ref = str(ref)
        if ref.startswith("@"):
            return next((c for c in self.chats.values() if c.get("username", "").lower() == ref[1:].lower()), None)
        try:
            return self.chats.get(int(ref))
        except ValueError:
            return None

    async def dispatch(self, request: Request) -> Response:
        await self.record(request)
        token, method = request.path_params["token"], request.path_params["method"]
        behavior = self.next_behavior(method)
        if behavior == "timeout":
            await asyncio.sleep(STALL_SECONDS)
        elif isinstance(behavior, int):
            return self.error(behavior)
        bot = self.bots.get(token)
        if bot is None:
            return self.error(401)
        params = await self._params(request)
        self.calls.append((method, params))
        handler = getattr(self, f"m_{method}", None)
        if handler is None:
            return self.error(404, "Not Found: method not found")
        return handler(bot, params)

    # --- methods ---------------------------------------------------------------------
    def m_getMe(self, bot: dict, params: dict) -> Response:  # noqa: N802 - Bot API names
        return self.ok(bot)

    def m_getChat(self, bot: dict, params: dict) -> Response:  # noqa: N802
        chat = self._chat(params.get("chat_id"))
        if chat is None or (chat["id"], bot["id"]) not in self.members:
            return self.error(400, "Bad Request: chat not found")
        return self.ok(chat)

    def m_getChatMember(self, bot: dict, params: dict) -> Response:  # noqa: N802
        chat = self._chat(params.get("chat_id"))
        member = self.members.get((chat["id"], int(params.get("user_id", 0)))) if chat else None
        if member is None:
            return self.error(400, "Bad Request: member not found")
        return self.ok({"user": bot, **member})

    def m_getChatAdministrators(self, bot: dict, params: dict) -> Response:  # noqa: N802
        chat = self._chat(params.get("chat_id"))
        if chat is None:
            return self.error(400, "Bad Request: chat not found")
        admins = [
            {"user": bot, **m} for (cid, _), m in self.members.items() if cid == chat["id"] and m["status"] != "member"
        ]
        return self.ok(admins)

    def m_getChatMemberCount(self, bot: dict, params: dict) -> Response:  # noqa: N802
        chat = self._chat(params.get("chat_id"))
        return self.ok(1234) if chat else self.error(400, "Bad Request: chat not found")

    def _can_post(self, bot: dict, params: dict) -> tuple[dict | None, Response | None]:
        chat = self._chat(params.get("chat_id"))
        if chat is None:
            return None, self.error(400, "Bad Request: chat not found")
        member = self.members.get((chat["id"], bot["id"]), {})
        if chat["type"] == "channel" and not member.get("can_post_messages"):
            return None, self.error(403, "Forbidden: bot is not allowed to post in this chat")
        return chat, None

    def _store(self, chat: dict, params: dict, **fields: Any) -> dict[str, Any]:
        message = {
            "message_id": self._next_id(),
            "date": int(time.time()),
            "chat": chat,
            "silent": str(params.get("disable_notification")).lower() == "true",
            "parse_mode": params.get("parse_mode"),
            **fields,
        }
        self.messages.append(message)
        return message

    def _next_id(self) -> int:
        self.last_id = getattr(self, "last_id", 0) + 1
        return self.last_id

    def m_sendMessage(self, bot: dict, params: dict) -> Response:  # noqa: N802
        chat, err = self._can_post(bot, params)
        if err:
            return err
        text = str(params.get("text") or "")
        if not text.strip():
            return self.error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return self.error(400, "Bad Request: message is too long")
        return self.ok(self._store(chat, params, text=text))

    def _send_media(self, bot: dict, params: dict, field: str) -> Response:
        chat, err = self._can_post(bot, params)
        if err:
            return err
        if not isinstance(params.get(field), dict):
            return self.error(400, f"Bad Request: there is no {field} in the request")
        caption = str(params.get("caption") or "")
        if len(caption) > 1024:
            return self.error(400, "Bad Request: message caption is too long")
        return self.ok(self._store(chat, params, caption=caption, **{field: [params[field]]}))

    def m_sendPhoto(self, bot: dict, params: dict) -> Response:  # noqa: N802
        return self._send_media(bot, params, "photo")

    def m_sendVideo(self, bot: dict, params: dict) -> Response:  # noqa: N802
        return self._send_media(bot, params, "video")

    def m_sendMediaGroup(self, bot: dict, params: dict) -> Response:  # noqa: N802
        chat, err = self._can_post(bot, params)
        if err:
            return err
        try:
            items = json.loads(params.get("media") or "[]")
        except ValueError:
            return self.error(400, "Bad Request: can't parse media JSON object")
        if not 2 <= len(items) <= 10:
            return self.error(400, "Bad Request: wrong number of media items")
        group = str(len(self.messages) + 1000)
        out = []
        for item in items:
            attach = str(item.get("media", "")).removeprefix("attach://")
            if not isinstance(params.get(attach), dict):
                return self.error(400, f"Bad Request: file {attach} not found")
            out.append(
                self._store(
                    chat,
                    params,
                    media_group_id=group,
                    caption=item.get("caption", ""),
                    caption_parse_mode=item.get("parse_mode"),
                    **{item["type"]: [params[attach]]},
                )
            )
        return self.ok(out)

    def m_deleteMessage(self, bot: dict, params: dict) -> Response:  # noqa: N802
        before = len(self.messages)
        self.messages = [m for m in self.messages if m["message_id"] != int(params.get("message_id", 0))]
        if len(self.messages) == before:
            return self.error(400, "Bad Request: message to delete not found")
        return self.ok(True)
