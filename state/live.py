"""Is the browser tab behind a Reflex token still connected (on any backend process)?

Background pollers ask this between rounds so a closed tab stops costing database queries. It
reads Reflex's token manager (local, or Redis-backed with several processes); should that
internal API move, we answer "connected" and the poller falls back to its maximum lifetime.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


async def client_connected(token: str) -> bool:
    try:
        from reflex.utils import prerequisites

        namespace = prerequisites.get_app().app.event_namespace
        manager = getattr(namespace, "_token_manager", None) if namespace is not None else None
        if manager is None:
            return True
        return bool(await manager.is_token_connected(token))
    except Exception:  # noqa: BLE001 - an unknown Reflex internals shape must not stop the bell
        log.debug("could not ask Reflex whether %s is connected", token, exc_info=True)
        return True
