"""`vacuum-full`: rewrite the tables that held post content so wiped bytes leave the data files.

On PostgreSQL a purge (privacy mode, retention) updates or deletes rows; the maintenance job's
plain VACUUM marks their space reusable, but the old bytes stay in the data files until reused.
`VACUUM FULL` rewrites each table into a new file (it holds an exclusive lock on each table while
it runs: run it in a quiet moment). On SQLite it runs VACUUM (a rebuild of the database file).
"""

from __future__ import annotations

import argparse


def run(_args: argparse.Namespace) -> int:
    from services.privacy.wipe import vacuum

    done = vacuum(full=True)
    print("vacuumed (full): " + ", ".join(done))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "vacuum-full", help="rewrite content tables so wiped post text leaves the database files (VACUUM FULL)"
    )
    parser.set_defaults(func=run)
