"""The byte-level proof of privacy mode on SQLite (the default database).

Publish a post in a privacy-mode workspace and one in a normal workspace, run the purge, then
search the raw bytes of the SQLite file, its WAL, every file of the data directory and the log
for the text and for a distinctive word of the alt text. The private ones must be nowhere; the
normal ones must be in the database (so the search itself is shown to work); no post text is
ever in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.countingnet_adapter as cn
from services.config import get_settings
from services.privacy import actions
from services.privacy.job import run_privacy_maintenance
from services.security.file_modes import sqlite_file
from tests.fakes.countingnet import CountingNetServer
from tests.integration.privacy_support import owner, post_with_media, publish

PRIVATE_TEXT = "Privacy probe marmalade-quasar-7781 launches today"
PRIVATE_ALT_WORD = "xylophonist-okapi"
NORMAL_TEXT = "Normal probe tangerine-nebula-4410 launches today"
NORMAL_ALT_WORD = "pangolin-harpsichord"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Everything every logger says at DEBUG and up, written to a file like a server's log."""
    path = tmp_path / "socialhub.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _where(needle: str, files: list[Path]) -> list[str]:
    raw = needle.encode("utf-8")
    return [str(f) for f in files if raw in f.read_bytes()]


async def test_privacy_mode_leaves_no_bytes_behind(sqlite_db: str, log_file: Path) -> None:
    with CountingNetServer() as fake:
        private_org, normal_org = cn.seed_org("Private"), cn.seed_org("Normal")
        actions.set_privacy_mode(owner(private_org), True)
        private_acc = cn.add_account(private_org, fake.url, external_id="p", username="priv")
        normal_acc = cn.add_account(normal_org, fake.url, external_id="n", username="norm")
        private_post = post_with_media(
            private_org, [private_acc], PRIVATE_TEXT, f"A {PRIVATE_ALT_WORD} on a stage", "Override " + PRIVATE_TEXT
        )
        normal_post = post_with_media(normal_org, [normal_acc], NORMAL_TEXT, f"A {NORMAL_ALT_WORD} in a hall")
        await publish(private_org, private_post)
        await publish(normal_org, normal_post)
        assert {p.text for p in fake.posts} == {"Override " + PRIVATE_TEXT, NORMAL_TEXT}
    run_privacy_maintenance()  # the maintenance job's pass too (vacuum / checkpoint)
    logging.getLogger().handlers[-1].flush()
    _assert_on_disk(sqlite_db, log_file)


def _assert_on_disk(sqlite_db: str, log_file: Path) -> None:
    db_path = Path(sqlite_file(sqlite_db))
    database = [p for p in (db_path, Path(f"{db_path}-wal")) if p.exists()]
    data_dir = _files(get_settings().data_dir)
    everywhere = [*database, *data_dir, log_file]
    assert db_path in database and log_file.exists()

    for needle in (PRIVATE_TEXT, "marmalade-quasar", PRIVATE_ALT_WORD):
        assert _where(needle, everywhere) == [], f"{needle!r} is still on disk"
    # The control: the same search finds the normal workspace's post and alt text in the database.
    assert _where("tangerine-nebula", database) and _where(NORMAL_ALT_WORD, database)
    # Logs never carry post text, in any mode.
    assert not _where("tangerine-nebula", [log_file]) and not _where("marmalade", [log_file])
    assert log_file.stat().st_size > 0  # the engine did log (so "not in the log" means something)
