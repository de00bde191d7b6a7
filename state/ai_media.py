"""The composer's media helpers from the assistant: alt text suggestions, generated images, best times.

Suggestions only fill fields: alt text is saved when the person clicks Save, a generated image is
attached when they click Attach, and a suggested time only fills the date/time fields.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from services.ai import best_time, images, vision
from services.media import MediaError
from services.media.alt_text import set_alt_text
from services.permissions import PermissionDenied, require
from state.compose import ComposeState
from state.session import current_user


def _skips(result: dict) -> list[str]:
    return [f"Skipped {s['provider']} ({s['model']}): {s['reason']}" for s in result.get("skipped", [])]


IMAGE_SIZES: tuple[str, ...] = tuple(images.SIZES)  # re-exported for components (layering)


class AIMediaState(rx.State):
    # alt text
    alt_busy: str = ""
    alt_for: str = ""
    alt_notice: str = ""
    alt_error: str = ""
    alt_answered_by: str = ""
    alt_skipped: list[str] = []
    alt_prompt: list[dict] = []
    show_alt_prompt: bool = False
    # image generation
    image_prompt: str = ""
    image_size: str = images.SIZES[0]
    image_busy: bool = False
    image_notice: str = ""
    image_error: str = ""
    image_skipped: list[str] = []
    image_request: str = ""
    image_result: dict = {}
    # best time
    time_busy: bool = False
    time_message: str = ""
    time_slots: list[dict] = []
    time_queue: dict = {}
    time_queue_message: str = ""
    time_asked: bool = False

    # --- alt text --------------------------------------------------------------------------
    @rx.event
    async def set_alt(self, media_id: str, value: str):
        compose = await self.get_state(ComposeState)
        compose.media = [{**m, "alt": value} if m["id"] == media_id else m for m in compose.media]

    @rx.event
    async def save_alt(self, media_id: str):
        user = await current_user(self)
        if user is None:
            return None
        compose = await self.get_state(ComposeState)
        entry = next((m for m in compose.media if m["id"] == media_id), None)
        if entry is None:
            return None
        try:
            require(user, "media.alt_text")
            saved = await asyncio.to_thread(set_alt_text, user.organization_id, int(media_id), entry.get("alt", ""))
        except (PermissionDenied, MediaError) as exc:
            self.alt_error = str(exc)
            return None
        self.alt_error = ""
        compose.media = [
            {**m, "alt": saved["alt_text"], "alt_saved": saved["alt_text"]} if m["id"] == media_id else m
            for m in compose.media
        ]
        return rx.toast.success("Alt text saved.")

    @rx.event
    def toggle_alt_prompt(self):
        self.show_alt_prompt = not self.show_alt_prompt

    @rx.event(background=True)
    async def suggest_alt(self, media_id: str):
        async with self:
            if self.alt_busy:
                return
            user = await current_user(self)
            if user is None:
                return
            try:
                require(user, "ai.use")
            except PermissionDenied as exc:
                self.alt_error = str(exc)
                return
            self.alt_busy, self.alt_for = media_id, media_id
            self.alt_notice = self.alt_error = self.alt_answered_by = ""
            self.alt_skipped, self.alt_prompt = [], []
        try:
            result = await vision.suggest_alt_text(user.organization_id, user.user_id, int(media_id))
        finally:
            async with self:
                self.alt_busy = ""
        async with self:
            self.alt_prompt = [{"role": m["role"], "content": m["content"]} for m in result["messages"]]
            self.alt_skipped = _skips(result)
            self.alt_notice, self.alt_error = result["notice"], result["error"]
            if result["text"]:
                self.alt_answered_by = f"Suggested by {result['provider']} · {result['model']}: review it, then Save."
                compose = await self.get_state(ComposeState)
                compose.media = [{**m, "alt": result["text"]} if m["id"] == media_id else m for m in compose.media]

    # --- image generation ------------------------------------------------------------------
    @rx.event
    def set_image_prompt(self, value: str):
        self.image_prompt = value

    @rx.event
    def set_image_size(self, value: str):
        if value in images.SIZES:
            self.image_size = value

    @rx.event(background=True)
    async def generate_image(self):
        async with self:
            if self.image_busy:
                return
            user = await current_user(self)
            if user is None:
                return
            try:
                require(user, "media.upload")
                require(user, "ai.use")
            except PermissionDenied as exc:
                self.image_error = str(exc)
                return
            self.image_busy, self.image_notice, self.image_error = True, "", ""
            self.image_skipped, self.image_result, self.image_request = [], {}, ""
            prompt, size = self.image_prompt, self.image_size
        try:
            result = await images.generate_image(user.organization_id, user.user_id, prompt, size)
        finally:
            async with self:
                self.image_busy = False
        async with self:
            self.image_skipped = _skips(result)
            self.image_notice, self.image_error = result["notice"], result["error"]
            if result["request"]:
                self.image_request = "\n".join(f"{k}: {v}" for k, v in result["request"].items())
            asset = result["asset"]
            if asset:
                self.image_result = {
                    "id": str(asset["id"]),
                    "thumb": f"/media/{asset['id']}/thumb",
                    "prompt": asset["generated_prompt"],
                    "by": f"{result['provider']} · {result['model']}",
                }

    @rx.event
    async def attach_generated(self):
        if not self.image_result:
            return None
        user = await current_user(self)
        if user is None:
            return None
        compose = await self.get_state(ComposeState)
        if all(m["id"] != self.image_result["id"] for m in compose.media):
            compose.media = [
                *compose.media,
                {"id": self.image_result["id"], "kind": "image", "name": "generated image",
                 "thumb": self.image_result["thumb"], "alt": "", "alt_saved": "",
                 "generated_prompt": self.image_result["prompt"]},
            ]  # fmt: skip
            await compose._recompute_rows(user.organization_id)
        self.image_result = {}
        return rx.toast.success("Image attached. Nothing is saved until you save, schedule or publish.")

    # --- best time -------------------------------------------------------------------------
    @rx.event(background=True)
    async def suggest_time(self):
        async with self:
            user = await current_user(self)
            if user is None or self.time_busy:
                return
            compose = await self.get_state(ComposeState)
            account_ids = [int(a) for a in compose.selected_ids]
            self.time_busy, self.time_asked = True, True
            self.time_slots, self.time_queue, self.time_message, self.time_queue_message = [], {}, "", ""
        if not account_ids:
            async with self:
                self.time_busy = False
                self.time_message = "Select at least one account first."
            return
        try:
            result = await asyncio.to_thread(best_time.suggest_times, user.organization_id, account_ids, user.timezone)
        finally:
            async with self:
                self.time_busy = False
        async with self:
            self.time_message = result["message"]
            self.time_slots = result["slots"]
            self.time_queue = result["queue_slot"] or {}
            self.time_queue_message = result["queue_message"]

    @rx.event
    async def use_time(self, date: str, time: str):
        compose = await self.get_state(ComposeState)
        compose.schedule_date, compose.schedule_time = date, time
        return rx.toast.info(f"Time set to {date} {time}. Press Schedule to schedule the post.")
