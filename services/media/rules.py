"""Per-platform media checks at compose time, so a post that a platform would refuse is caught in the editor."""

from __future__ import annotations

from typing import Any

from services.platforms.base import Constraints, MediaFile, MediaRules
from services.platforms.sizes import size_pair


def _field(asset: Any, key: str) -> Any:
    return asset.get(key) if isinstance(asset, dict) else getattr(asset, key, None)


def _name(asset: Any) -> str:
    name = _field(asset, "original_name")
    if not name and isinstance(asset, MediaFile):
        name = asset.path.rsplit("/", 1)[-1]
    return name or "this file"


def media_problems(
    platform_constraints: Constraints | MediaRules, assets: list[Any], platform_label: str = "This platform"
) -> list[str]:
    """Human reasons these attachments can't go out on the platform (empty = fine).

    `assets` are asset dicts (services.media), MediaAsset rows or MediaFile objects. Passing the
    full Constraints also checks the platform's "needs an image/video" rule.
    """
    rules = platform_constraints.media if isinstance(platform_constraints, Constraints) else platform_constraints
    problems: list[str] = []
    images = [a for a in assets if _field(a, "kind") == "image"]
    videos = [a for a in assets if _field(a, "kind") == "video"]

    for asset in assets:
        mime, kind, size = _field(asset, "mime_type"), _field(asset, "kind"), _field(asset, "size_bytes") or 0
        allowed = rules.image_types if kind == "image" else rules.video_types if kind == "video" else ()
        if mime not in allowed:
            problems.append(f"{platform_label} doesn't accept {mime or 'this file type'} ({_name(asset)}).")
            continue
        cap = rules.image_max_bytes if kind == "image" else rules.video_max_bytes
        if size > cap:
            shown_size, shown_cap = size_pair(size, cap)
            problems.append(f"{platform_label} takes {kind}s up to {shown_cap}; {_name(asset)} is {shown_size}.")

    if len(images) > rules.max_images:
        if rules.max_images == 0:
            problems.append(f"{platform_label} doesn't accept images.")
        else:
            problems.append(f"{platform_label} takes at most {rules.max_images} images; this post has {len(images)}.")
    if len(videos) > rules.max_videos:
        if rules.max_videos == 0:
            problems.append(f"{platform_label} doesn't accept videos.")
        else:
            noun = "video" if rules.max_videos == 1 else "videos"
            problems.append(f"{platform_label} takes at most {rules.max_videos} {noun}; this post has {len(videos)}.")
    if images and videos and not rules.mix_images_and_video:
        problems.append(f"{platform_label} can't mix images and a video in one post.")

    if isinstance(platform_constraints, Constraints) and platform_constraints.requires_media:
        need = platform_constraints.requires_media
        has = {"image": bool(images), "video": bool(videos), "any": bool(images or videos)}[need]
        if not has:
            what = {"image": "an image", "video": "a video", "any": "an image or a video"}[need]
            problems.append(f"{platform_label} needs {what}.")
    return problems
