"""The real S3 server's fixture skips only when allowed: under SOCIALHUB_REQUIRE_POSTGRES=1 (CI) a
missing or broken Ceph cluster fails the run instead of quietly passing."""

from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped

from tests.realservers import ceph


def test_missing_ceph_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert "radosgw" in ceph.missing() and "apt-get install radosgw ceph-mon ceph-osd" in ceph.missing()


def test_skips_locally_but_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALHUB_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(Skipped):
        ceph._unavailable("Ceph is not installed")
    monkeypatch.setenv("SOCIALHUB_REQUIRE_POSTGRES", "1")
    with pytest.raises(Failed, match="required in CI"):
        ceph._unavailable("Ceph is not installed")
