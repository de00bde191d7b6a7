"""Owner-only permissions for everything under data/ (database, secret key, media).

run.sh and the image set `umask 077`, so every file SocialHub creates is private to its user. These
helpers make the same true when the app is started another way (tests, `reflex run`, a service
manager with a loose umask): the data folder is created 0700 — and tightened when we own it — and
SQLite's files are 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(DIR_MODE)
    except OSError:  # a read-only or foreign mount: the operator decides its modes
        pass
    return path


def private_files(*paths: str | Path) -> None:
    for raw in paths:
        path = Path(raw)
        try:
            if path.exists() and path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
                path.chmod(FILE_MODE)
        except OSError:
            pass


def sqlite_file(url: str) -> str:
    """The database file of a sqlite:/// URL ('' for in-memory databases)."""
    path = url.split("///", 1)[1] if "///" in url else ""
    return "" if not path or path.startswith(":memory:") else path.split("?", 1)[0]
