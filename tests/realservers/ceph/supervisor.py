"""A throwaway single-node Ceph cluster with the RADOS Gateway (S3) on loopback, for the media tests.

Run as its own process (`python -m tests.realservers.ceph.supervisor DIR`): it creates one monitor,
one OSD that keeps its data in memory (memstore) and one radosgw, all started with `-f` as its
children, creates an S3 user and prints one JSON line {"endpoint", "access_key", "secret_key"}.
It then waits until its stdin closes (the test session ended or died) and kills the daemons and
deletes DIR, so nothing outlives the tests. Ports are picked free at start; the monitor gets an
explicit address so it never takes Ceph's default 3300.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

START_TIMEOUT = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ceph_conf(root: Path, fsid: str, mon_port: int, rgw_port: int) -> str:
    return f"""[global]
fsid = {fsid}
mon_host = [v2:127.0.0.1:{mon_port}]
mon_initial_members = a
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc secure
ms_mon_cluster_mode = crc secure
ms_mon_service_mode = crc secure
ms_client_mode = crc secure
ms_cluster_mode = crc secure
ms_service_mode = crc secure
ms_bind_msgr2 = true
ms_bind_msgr1 = false
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_max_pg_per_osd = 1000
osd_objectstore = memstore
memstore_device_bytes = 1073741824
osd_memory_target = 939524096
run_dir = {root}/run
admin_socket = {root}/run/$cluster-$name.asok
pid_file = {root}/run/$cluster-$name.pid
log_file = {root}/log/$cluster-$name.log
mon_data = {root}/mon/$cluster-$id
osd_data = {root}/osd/$cluster-$id
keyring = {root}/keyring
mon_cluster_log_file = {root}/log/cluster.log
crash_dir = {root}/crash
exec_dir = {root}/run

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw_data = {root}/rgw
rgw_thread_pool_size = 16
"""


class Cluster:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.conf = root / "ceph.conf"
        self.children: list[subprocess.Popen] = []
        self.log = (root / "supervisor.log").open("a")

    def run(self, *args: str, timeout: float = 60.0) -> str:
        done = subprocess.run(  # noqa: S603 - fixed Ceph tools
            [*args, "-c", str(self.conf)], capture_output=True, text=True, timeout=timeout, check=False
        )
        self.log.write(f"$ {' '.join(args)}\n{done.stdout}{done.stderr}\n")
        self.log.flush()
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr[-1500:]}")
        return done.stdout

    def spawn(self, *args: str) -> None:
        self.children.append(
            subprocess.Popen(  # noqa: S603 - fixed Ceph daemons
                [*args, "-f", "-c", str(self.conf)], stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL
            )
        )

    def start(self) -> dict[str, str]:
        for sub in ("run", "log", "mon", "osd", "rgw", "crash"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        fsid, mon_port, rgw_port = str(uuid.uuid4()), free_port(), free_port()
        self.conf.write_text(ceph_conf(self.root, fsid, mon_port, rgw_port))
        keyring = str(self.root / "keyring")
        self.run("ceph-authtool", "--create-keyring", keyring, "--gen-key", "-n", "mon.", "--cap", "mon", "allow *")
        monmap = str(self.root / "monmap")
        self.run("monmaptool", "--create", "--addv", "a", f"[v2:127.0.0.1:{mon_port}]", "--fsid", fsid, monmap)
        self.run("ceph-mon", "--mkfs", "-i", "a", "--monmap", monmap, "--keyring", keyring)
        self.spawn("ceph-mon", "-i", "a")
        osd_uuid = str(uuid.uuid4())
        osd_id = self.run("ceph", "osd", "new", osd_uuid, timeout=90).strip()
        (self.root / "osd" / f"ceph-{osd_id}").mkdir(parents=True, exist_ok=True)
        self.run("ceph-osd", "-i", osd_id, "--mkfs", "--osd-uuid", osd_uuid)
        self.spawn("ceph-osd", "-i", osd_id)
        self.spawn("radosgw", "-n", "client.rgw.a")
        endpoint = f"http://127.0.0.1:{rgw_port}"
        self._wait_http(endpoint)
        access_key, secret_key = "SH" + secrets.token_hex(9).upper(), secrets.token_urlsafe(30)
        self.run(
            "radosgw-admin", "user", "create", "--uid", "socialhub", "--display-name", "SocialHub tests",
            "--access-key", access_key, "--secret-key", secret_key,
        )  # fmt: skip
        return {"endpoint": endpoint, "access_key": access_key, "secret_key": secret_key, "dir": str(self.root)}

    def _wait_http(self, endpoint: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for child in self.children:
                if child.poll() is not None:
                    raise RuntimeError(f"{child.args[0]} exited with {child.returncode}")
            try:
                urllib.request.urlopen(endpoint, timeout=2).close()  # noqa: S310 - our loopback gateway
                return
            except urllib.error.HTTPError:
                return  # any HTTP answer means the gateway is serving
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("radosgw did not answer in time")

    def stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
        for child in self.children:
            child.wait()
        self.log.close()


def main() -> int:
    root = Path(sys.argv[1])
    cluster = Cluster(root)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        try:
            info = cluster.start()
        except Exception as exc:  # noqa: BLE001 - reported to the fixture, which fails or skips
            tail = (root / "supervisor.log").read_text(errors="replace")[-3000:]
            print(json.dumps({"error": f"{exc}\n{tail}"}), flush=True)
            return 1
        print(json.dumps(info), flush=True)
        sys.stdin.read()  # returns when the test session closes our stdin or dies
        return 0
    finally:
        cluster.stop()
        if os.environ.get("SOCIALHUB_KEEP_CEPH") != "1":
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
