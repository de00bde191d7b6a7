"""Serve the already-built production frontend + backend on one port without rebuilding.

`reflex run --env prod` always recompiles and re-bundles the frontend (~30 s here). run.sh calls
this instead when the sources that shape the frontend are unchanged since the last build (it keeps
a hash in .web/.socialhub-build-hash), so a second start takes seconds.
"""

from __future__ import annotations

import os
import sys

from reflex.utils import exec as rx_exec
from reflex_base import constants
from reflex_base.constants import LogLevel
from reflex_base.environment import environment


def main() -> None:
    port = int(os.environ.get("SOCIALHUB_PORT", "3000"))
    host = os.environ.get("SOCIALHUB_HOST", "0.0.0.0")
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    # With REDIS_URL set Reflex starts 2×CPU+1 worker processes by default; SOCIALHUB_WEB_WORKERS picks.
    if os.environ.get("SOCIALHUB_WEB_WORKERS"):
        os.environ["GRANIAN_WORKERS"] = os.environ["SOCIALHUB_WEB_WORKERS"]
    print(f"App running at: http://{host}:{port}/", flush=True)
    rx_exec.run_backend_prod(host, port, LogLevel.WARNING, True)


if __name__ == "__main__":
    sys.exit(main())
