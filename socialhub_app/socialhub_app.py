"""The Reflex app: pages, the embedded scheduler (lifespan) and backend HTTP routes."""

from __future__ import annotations

import logging

import reflex as rx
from starlette.applications import Starlette

from services.invites import register_with_signup as register_invites_with_signup
from socialhub_app import pages  # noqa: F401  (registers every page)
from socialhub_app.lifespan import scheduler_lifespan
from socialhub_app.routes import extra_routes
from socialhub_app.security_middleware import SecurityMiddleware
from state.session import WorkspaceChanged

log = logging.getLogger("socialhub")


def _friendly_backend_error(exception: Exception):  # noqa: ANN201 - Reflex inspects this signature
    if isinstance(exception, WorkspaceChanged):  # a stale tab's action, refused before it ran
        log.info("refused an action from a tab of another workspace: %s", exception)
        return [rx.toast.error(str(exception), duration=15_000), rx.redirect("/")]
    log.error("unhandled error in an event handler: %s", type(exception).__name__, exc_info=exception)
    return rx.toast.error("Something went wrong. Nothing was lost; please try again.")


app = rx.App(
    # Our routes first (in front of Reflex), then headers + body caps around everything.
    api_transformer=[Starlette(routes=extra_routes()), SecurityMiddleware],
    backend_exception_handler=_friendly_backend_error,
    stylesheets=["/styles.css"],  # focus ring, labels, phone layout (assets/styles.css)
)
app.register_lifespan_task(scheduler_lifespan)
register_invites_with_signup()  # invited people may sign up on an invite-only instance
