"""Run the publishing scheduler standalone: `python -m services.publishing.worker`.

The app runs the same scheduler inside its backend (SOCIALHUB_ROLE=all); this entry point is the
worker role of a scaled deployment (web processes with SOCIALHUB_ROLE=web run no scheduler), and it
serves the multi-process tests and the benchmarks. Stops cleanly on
SIGTERM/SIGINT (in-flight publishes finish; anything cut off is reconciled by its lease).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import signal

from services.scheduler import app_jobs, start_scheduler, stop_scheduler


async def _run(run_for: float | None) -> None:
    # Every background job a web process of role "all" would run: publishing, metrics, recurrence.
    handle = start_scheduler(extra_jobs=app_jobs())
    if not handle.running:
        logging.getLogger(__name__).error("scheduler is disabled (SOCIALHUB_SCHEDULER=off); nothing to do")
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), run_for)
    except TimeoutError:
        pass
    finally:
        await stop_scheduler(handle)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="SocialHub publishing worker")
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        help="extra module to import first (e.g. one that registers a test-only platform adapter)",
    )
    parser.add_argument("--run-for", type=float, default=None, help="stop after this many seconds")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=int(os.environ.get("SOCIALHUB_WORKER_METRICS_PORT", "0") or 0),
        help="serve this worker's Prometheus metrics on 127.0.0.1:PORT (0 = off)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(process)d %(name)s %(message)s")
    for module in args.imports:
        importlib.import_module(module)
    if args.metrics_port:
        from prometheus_client import start_http_server

        from services.publishing.metrics import REGISTRY

        start_http_server(args.metrics_port, addr="127.0.0.1", registry=REGISTRY)  # its own thread
    _use_fast_event_loop()
    asyncio.run(_run(args.run_for))


def _use_fast_event_loop() -> None:
    """uvloop (when installed, as requirements.txt does) roughly halves the event loop's cost per publish."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


if __name__ == "__main__":
    main()
