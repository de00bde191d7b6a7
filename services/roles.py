"""Which halves of SocialHub this process runs: `SOCIALHUB_ROLE=web|worker|all` (default all).

- `all`: the one-container install; the web app also runs the scheduler (publishing engine,
  analytics collection, recurring series, and any job added to `services.scheduler.app_jobs`).
- `web`: serves the UI and HTTP routes only, so N web replicas add no scheduler load and a
  request is never slowed by a publish burst.
- `worker`: runs the scheduler only (`python -m services.publishing.worker`; `run.sh` starts it
  instead of the web server).

`SOCIALHUB_SCHEDULER=off` still switches the scheduler off whatever the role (tests, debugging).
"""

from __future__ import annotations

from services.config import Settings, get_settings


def runs_scheduler(settings: Settings | None = None) -> bool:
    """True when this process should start the publishing/analytics/recurrence scheduler."""
    settings = settings or get_settings()
    return settings.scheduler_enabled and settings.role in ("worker", "all")


def serves_web(settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    return settings.role in ("web", "all")
