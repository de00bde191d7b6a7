"""A real S3 server for the media storage tests: Ceph's RADOS Gateway on a throwaway cluster.

RGW enforces what matters and what moto does not: SigV4 signatures, presigned-URL expiry and
the access keys. The cluster (one monitor, one in-memory OSD, one gateway on free loopback ports)
is started once per test session by `supervisor.py` in its own process, which kills it and removes
its folder when the session closes its stdin — also when pytest dies.

Debian's `radosgw ceph-mon ceph-osd` are installed by ./test.sh. Skipped only when they are
missing and SOCIALHUB_REQUIRE_POSTGRES is not 1 (CI sets it: there a missing or broken cluster
fails instead of quietly passing).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BINARIES = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph-authtool", "ceph")
START_TIMEOUT = 300.0  # ~15 s idle; much more when the two cores are shared by many jobs


@dataclass(frozen=True)
class CephS3:
    endpoint: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def client(self, secret_key: str | None = None):  # noqa: ANN201 - a boto3 S3 client
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(
                signature_version="s3v4",
                region_name=self.region,
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )


def missing() -> str:
    """Why the cluster cannot run here, or "" when it can."""
    absent = [b for b in BINARIES if shutil.which(b) is None]
    return f"Ceph is not installed ({', '.join(absent)} missing; apt-get install radosgw ceph-mon ceph-osd)" if absent else ""


def _unavailable(reason: str) -> None:
    if os.environ.get("SOCIALHUB_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"the real S3 server (Ceph RGW) is required in CI but {reason}")
    pytest.skip(reason)


class CephLauncher:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="socialhub-ceph-"))
        self.process = subprocess.Popen(  # noqa: S603 - our own supervisor module
            [sys.executable, "-m", "tests.realservers.ceph.supervisor", str(self.tmp / "cluster")],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True, name="ceph-supervisor-stdout").start()
        self._server: CephS3 | None = None

    def _pump(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            if line.lstrip().startswith("{"):
                self.lines.put(line)
        self.lines.put("")

    def server(self) -> CephS3:
        if self._server is None:
            try:
                line = self.lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                line = ""
            info = json.loads(line) if line else {"error": "the supervisor printed nothing"}
            if "error" in info:
                raise RuntimeError(f"the Ceph cluster did not start: {info['error']}")
            self._server = CephS3(info["endpoint"], info["access_key"], info["secret_key"])
        return self._server

    def stop(self) -> None:
        """Closing stdin tells the supervisor to kill its daemons and remove the cluster folder."""
        try:
            if self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def ceph_s3() -> Iterator[CephS3]:
    """The running gateway (endpoint + keys of an S3 user); started on first use, once per session."""
    reason = missing()
    if reason:
        _unavailable(reason)
    launcher = CephLauncher()
    try:
        try:
            server = launcher.server()
        except RuntimeError as exc:
            _unavailable(str(exc)[:3000])
            raise
        yield server
    finally:
        launcher.stop()
