"""The publishing engine: target state machine, lease-based claims, concurrent publishing, reconcile.

Nothing here imports Reflex. The app starts it through services.scheduler; `python -m
services.publishing.worker` runs it standalone.
"""

import services.demo_network  # noqa: F401  (plugs the Demo network's server side into its adapter)
from services.publishing.states import derive_post_status

__all__ = ["derive_post_status"]
