"""Instagram professional accounts through Facebook login (the Instagram Graph API).

Publishing is two steps: create a media container from a *public URL* (Instagram fetches the
file itself), then `media_publish` it. Only the second step creates a post, so only it is
`creates=True`. Videos (Reels) must finish processing before publish, hence the status poll.
The Graph API offers no delete for Instagram posts.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.platforms.base import (
    AccountMetrics,
    AccountRef,
    Constraints,
    Credentials,
    DiscoveredAccount,
    MediaFile,
    MediaRules,
    PostMetrics,
    Profile,
    PublishRequest,
    PublishResult,
)
from services.platforms.errors import PermanentError
from services.platforms.facebook import GraphAdapter
from services.platforms.registry import register
from services.platforms.text_counting import same_post_text


@register
class InstagramAdapter(GraphAdapter):
    name = "instagram"
    label = "Instagram"
    constraints = Constraints(
        max_chars=2200,
        max_hashtags=30,
        requires_media="any",
        media=MediaRules(
            image_types=("image/jpeg",),
            max_images=10,
            max_videos=1,
            image_max_bytes=8 * 1024 * 1024,
            video_types=("video/mp4", "video/quicktime"),
            video_max_bytes=300 * 1024 * 1024,
        ),
    )
    can_lookup_recent_posts = True
    scopes = (
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_insights",
        "pages_show_list",
        "pages_read_engagement",
    )
    container_poll_seconds: float = 3.0
    container_poll_attempts: int = 40

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        pages = await self._pages(
            creds.access_token,
            "id,name,access_token,instagram_business_account{id,username,name,profile_picture_url,followers_count}",
        )
        found = []
        for page in pages:
            ig = page.get("instagram_business_account")
            if not ig or not ig.get("id"):
                continue
            username = ig.get("username", "")
            found.append(
                DiscoveredAccount(
                    profile=Profile(
                        external_id=str(ig["id"]),
                        display_name=ig.get("name") or username,
                        username=username,
                        avatar_url=ig.get("profile_picture_url", ""),
                        profile_url=f"https://www.instagram.com/{username}/" if username else "",
                        followers=ig.get("followers_count"),
                    ),
                    credentials=self._page_credentials(creds, page, ig_user_id=str(ig["id"])),
                )
            )
        if not found:
            raise PermanentError(
                "Instagram: no professional Instagram account is linked to the Pages of this login "
                "(link it to a Facebook Page in the Instagram app settings)"
            )
        return found

    @staticmethod
    def _public_url(media: MediaFile) -> str:
        if not media.public_url:
            raise PermanentError(
                "Instagram downloads media from a public address; set SOCIALHUB_BASE_URL to a URL Instagram can reach"
            )
        return media.public_url

    async def _container(self, creds: Credentials, ig_id: str, fields: dict[str, str]) -> str:
        data = await self._json("POST", f"{self.graph}/{ig_id}/media", token=creds.access_token, data=fields)
        return str(data["id"])

    async def _wait_ready(self, creds: Credentials, container_id: str) -> None:
        for _ in range(self.container_poll_attempts):
            data = await self._json(
                "GET", f"{self.graph}/{container_id}", token=creds.access_token, params={"fields": "status_code,status"}
            )
            status = data.get("status_code", "FINISHED")
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status in ("ERROR", "EXPIRED"):
                raise PermanentError(f"Instagram could not process the media: {data.get('status') or status}")
            await asyncio.sleep(self.container_poll_seconds)
        raise PermanentError("Instagram is still processing the video; try again later")

    def _item_fields(self, media: MediaFile, *, carousel: bool) -> dict[str, str]:
        if media.kind == "video":
            fields = {"media_type": "VIDEO" if carousel else "REELS", "video_url": self._public_url(media)}
        else:
            fields = {"image_url": self._public_url(media)}
        if media.alt_text and media.kind == "image":
            fields["alt_text"] = media.alt_text
        if carousel:
            fields["is_carousel_item"] = "true"
        return fields

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        if not request.media:
            raise PermanentError("Instagram needs an image or video")
        ig_id = account.external_id
        if len(request.media) == 1:
            container = await self._container(
                creds, ig_id, {**self._item_fields(request.media[0], carousel=False), "caption": request.text}
            )
        else:
            children = [await self._container(creds, ig_id, self._item_fields(m, carousel=True)) for m in request.media]
            for child in children:
                await self._wait_ready(creds, child)
            container = await self._container(
                creds, ig_id, {"media_type": "CAROUSEL", "children": ",".join(children), "caption": request.text}
            )
        await self._wait_ready(creds, container)
        data = await self._json(
            "POST",
            f"{self.graph}/{ig_id}/media_publish",
            token=creds.access_token,
            data={"creation_id": container},
            creates=True,
        )
        media_id = str(data["id"])
        permalink = ""
        try:
            info = await self._json(
                "GET", f"{self.graph}/{media_id}", token=creds.access_token, params={"fields": "permalink"}
            )
            permalink = info.get("permalink", "")
        except Exception:  # noqa: BLE001 - the post is out; a missing link must not turn success into failure
            permalink = ""
        return PublishResult(external_id=media_id, url=permalink, published_at=datetime.now(UTC))

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        raise PermanentError("Instagram does not allow deleting posts through its API; delete it in the Instagram app")

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        data = await self._json(
            "GET",
            f"{self.graph}/{account.external_id}/media",
            token=creds.access_token,
            params={"fields": "id,caption,permalink,timestamp", "limit": "25"},
        )
        for item in data.get("data") or []:
            try:
                created = datetime.strptime(item.get("timestamp", ""), "%Y-%m-%dT%H:%M:%S%z")
            except ValueError:
                created = None
            if created and created < since:
                continue
            if same_post_text(item.get("caption", ""), request.text):
                return PublishResult(external_id=str(item["id"]), url=item.get("permalink", ""), published_at=created)
        return None

    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        data = await self._json(
            "GET",
            f"{self.graph}/{external_id}",
            token=creds.access_token,
            params={"fields": "like_count,comments_count"},
        )
        return PostMetrics(likes=data.get("like_count"), replies=data.get("comments_count"))

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        data = await self._json(
            "GET", f"{self.graph}/{account.external_id}", token=creds.access_token, params={"fields": "followers_count"}
        )
        return AccountMetrics(followers=data.get("followers_count"))
