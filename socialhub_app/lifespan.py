"""The backend's lifespan task: start the scheduler when this process's role runs background jobs.

Kept out of the app module so tests can run it without importing every page.
"""

from __future__ import annotations

import contextlib
import logging

from services.roles import runs_scheduler

log = logging.getLogger("socialhub")


@contextlib.asynccontextmanager
async def scheduler_lifespan():
    """One scheduler per backend worker; claims in the database keep several of them safe.

    SOCIALHUB_ROLE=web processes start none: separate worker processes run the jobs.
    """
    handle = None
    if runs_scheduler():
        try:
            from services.scheduler import app_jobs, start_scheduler

            handle = start_scheduler(extra_jobs=app_jobs())
        except ModuleNotFoundError:
            log.warning("publishing scheduler not available")
    try:
        yield
    finally:
        if handle is not None:
            from services.scheduler import stop_scheduler

            await stop_scheduler(handle)
