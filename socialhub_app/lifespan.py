"""The backend's lifespan task: start the scheduler when this process's role runs background jobs.

Kept out of the app module so tests can run it without importing every page.
"""

from __future__ import annotations

import asyncio
import contextlib

from services.roles import runs_scheduler, serves_web
from services.scheduler import app_jobs, start_scheduler, stop_scheduler
from state.heavy import warm_heavy_pool


@contextlib.asynccontextmanager
async def scheduler_lifespan():
    """One scheduler per backend worker; claims in the database keep several of them safe.

    SOCIALHUB_ROLE=web processes start none: separate worker processes run the jobs.
    """
    handle = None
    warming = asyncio.create_task(warm_heavy_pool()) if serves_web() else None
    if runs_scheduler():
        handle = start_scheduler(extra_jobs=app_jobs())
    try:
        yield
    finally:
        if warming is not None and not warming.done():
            warming.cancel()
        if handle is not None:
            await stop_scheduler(handle)
