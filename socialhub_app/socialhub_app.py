"""The Reflex app: pages, the embedded scheduler (lifespan) and backend HTTP routes."""

from __future__ import annotations

import contextlib
import logging

import reflex as rx
from starlette.applications import Starlette

from services.config import get_settings
from services.scheduler import app_jobs, start_scheduler, stop_scheduler
from socialhub_app import pages  # noqa: F401  (registers every page)
from socialhub_app.routes import extra_routes

log = logging.getLogger("socialhub")


@contextlib.asynccontextmanager
async def scheduler_lifespan():
    """One scheduler per backend worker; claims in the database keep several of them safe."""
    handle = None
    if get_settings().scheduler_enabled:
        handle = start_scheduler(extra_jobs=app_jobs())
    try:
        yield
    finally:
        if handle is not None:
            await stop_scheduler(handle)


def _friendly_backend_error(exception: Exception):  # noqa: ANN201 - Reflex inspects this signature
    log.error("unhandled error in an event handler: %s", type(exception).__name__, exc_info=exception)
    return rx.toast.error("Something went wrong. Nothing was lost; please try again.")


app = rx.App(
    api_transformer=Starlette(routes=extra_routes()),
    backend_exception_handler=_friendly_backend_error,
    stylesheets=["/styles.css"],  # focus ring, labels, phone layout (assets/styles.css)
)
app.register_lifespan_task(scheduler_lifespan)
