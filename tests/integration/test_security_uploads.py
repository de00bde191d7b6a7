"""Issue 11.5 (service side): an upload is streamed to disk and refused while it is read.

A lazily generated 2 GB "file" goes through the same function the composer's upload handler calls;
it must be refused after about one size limit of reading, leave nothing behind and not grow the
process by more than a few MB.
"""

from __future__ import annotations

import gc

import psutil
import pytest

from services import auth
from services.config import get_settings
from services.media import MediaError
from services.media.storage import store_upload_stream

TWO_GB = 2 * 1024**3
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


class EndlessFile:
    """A file object that produces `total` bytes on demand (never all in memory) and counts reads."""

    def __init__(self, head: bytes, total: int = TWO_GB) -> None:
        self.head, self.total, self.served = head, total, 0
        self._zeros = b"\0" * (1024 * 1024)

    def read(self, n: int = -1) -> bytes:
        if self.served >= self.total:
            return b""
        n = min(n if n > 0 else len(self._zeros), len(self._zeros), self.total - self.served)
        chunk = (self.head + self._zeros)[:n] if self.served == 0 else self._zeros[:n]
        self.served += len(chunk)
        return chunk


def _user() -> auth.CurrentUser:
    auth.register_user("up@example.com", "Up", "a strong password")
    return auth.resolve_session(auth.login("up@example.com", "a strong password"))


def _media_files() -> set:
    return {p for p in get_settings().media_dir.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("head", "limit_env", "message"),
    [(PNG_HEAD, {}, "Images can be at most 8.00 MB"), (b"\0\0\0\x20ftypisom", {"SOCIALHUB_MAX_VIDEO_MB": "16"}, "Videos can be at most 16.00 MB")],
)  # fmt: skip
def test_two_gigabytes_are_refused_while_reading(db: str, monkeypatch, head: bytes, limit_env: dict, message: str) -> None:
    for key, value in limit_env.items():
        monkeypatch.setenv(key, value)
    from services.config import reset_settings

    reset_settings()
    me = _user()
    source = EndlessFile(head)
    files_before = _media_files()
    gc.collect()
    rss_before = psutil.Process().memory_info().rss
    with pytest.raises(MediaError, match=message):
        store_upload_stream(me.organization_id, me.user_id, "huge.bin", source)
    grown = psutil.Process().memory_info().rss - rss_before
    cap = (16 if limit_env else 8) * 1024 * 1024
    assert source.served <= cap + 2 * 1024 * 1024  # stopped right after the limit, not after 2 GB
    assert grown < 8 * 1024 * 1024, f"process grew by {grown / 1e6:.1f} MB"
    assert _media_files() == files_before  # the partial temp file is gone, nothing was stored
