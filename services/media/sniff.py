"""Decide what an uploaded file really is from its bytes, never from its name or browser-sent type.

A renamed .txt, a truncated JPEG or an HTML page saved as .mp4 must be refused before anything is
written, because a platform would reject it hours later at publish time — the worst moment.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from services.errors import NotFound, UserError

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
}

# ISO base-media brands that mean "an MP4 a browser/platform plays". QuickTime ('qt  ') and 3GP are
# deliberately absent: platforms that take MP4 reject them.
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9",
    b"mp41", b"mp42", b"mp71", b"avc1", b"M4V ", b"M4A ", b"dash", b"mmp4", b"MSNV", b"f4v ", b"XAVC",
}  # fmt: skip


class MediaError(UserError, ValueError):
    """A user-facing reason an upload or an attachment is refused; `str()` is the message."""


class MediaNotFound(MediaError, NotFound):
    """No such media in this workspace."""


@dataclass(frozen=True)
class SniffedMedia:
    kind: str  # image | video
    mime_type: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    frames: int = 1


UNSUPPORTED = "This file type isn't supported. Upload a JPEG, PNG, WebP or GIF image, or an MP4 video."


def sniff(data: bytes) -> SniffedMedia:
    """What `data` is, or MediaError. Video first: MP4 bytes never decode as an image, but it is cheaper."""
    if not data:
        raise MediaError("The file is empty.")
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return sniff_mp4(data)
    return sniff_image(data)


def sniff_image(data: bytes) -> SniffedMedia:
    try:
        with warnings.catch_warnings():
            # A decompression bomb (a tiny file that inflates to gigapixels) must be an error, not a warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format or ""
                if fmt not in IMAGE_FORMATS:
                    raise MediaError(UNSUPPORTED)
                probe.verify()  # checks structure/CRCs; the image object is unusable afterwards
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # decodes the pixels: catches files truncated after a valid header
                width, height = img.size
                frames = getattr(img, "n_frames", 1)
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError("This image has too many pixels to process safely.") from None
    except UnidentifiedImageError:
        raise MediaError(UNSUPPORTED) from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError):
        raise MediaError("This image is damaged or incomplete; export it again and re-upload.") from None
    if width < 1 or height < 1:
        raise MediaError("This image has no pixels.")
    return SniffedMedia("image", IMAGE_FORMATS[fmt], width, height, frames=frames)


def _boxes(data: bytes, start: int, end: int):  # noqa: ANN202 - generator of (type, payload_start, box_end)
    """Walk ISO-BMFF boxes in data[start:end]; a size that runs past the end means the file is cut off."""
    pos = start
    while pos < end:
        if end - pos < 8:
            raise MediaError("This video file is incomplete (it ends in the middle of a box).")
        size, box_type = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if end - pos < 16:
                raise MediaError("This video file is incomplete.")
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:  # box extends to the end of the file
            size = end - pos
        if size < header or pos + size > end:
            raise MediaError("This video file is incomplete or damaged (a box runs past the end of the file).")
        yield box_type, pos + header, pos + size
        pos += size


def _mvhd_duration(data: bytes, start: int, end: int) -> float | None:
    payload = data[start:end]
    if len(payload) < 4:
        return None
    version = payload[0]
    try:
        if version == 1:
            timescale, duration = struct.unpack(">IQ", payload[20:32])
        else:
            timescale, duration = struct.unpack(">II", payload[12:20])
    except struct.error:
        return None
    if not timescale or duration in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
        return None
    return round(duration / timescale, 3)


def sniff_mp4(data: bytes) -> SniffedMedia:
    """An MP4 is an ftyp box with an MP4 brand, then a moov box (the index a player needs)."""
    top = list(_boxes(data, 0, len(data)))
    ftyp_type, ftyp_start, ftyp_end = top[0]
    if ftyp_type != b"ftyp" or ftyp_end - ftyp_start < 8:
        raise MediaError(UNSUPPORTED)
    major = data[ftyp_start : ftyp_start + 4]
    compatible = {data[i : i + 4] for i in range(ftyp_start + 8, ftyp_end - 3, 4)}
    if major not in MP4_BRANDS and not (compatible & MP4_BRANDS):
        raise MediaError("This video isn't an MP4 (it looks like a QuickTime or 3GP file). Export it as MP4.")
    moov = next(((s, e) for t, s, e in top if t == b"moov"), None)
    if moov is None:
        raise MediaError("This MP4 has no index (moov box), so it can't be played. Export it again.")
    duration = None
    for box_type, start, end in _boxes(data, *moov):
        if box_type == b"mvhd":
            duration = _mvhd_duration(data, start, end)
            break
    return SniffedMedia("video", "video/mp4", duration_seconds=duration)
