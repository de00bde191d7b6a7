"""Root fixtures: database fixtures for service tests (see tests/conftest_services.py), real servers."""

import pytest

from tests.conftest_services import (  # noqa: F401
    _activate,
    _pg_url,
    _sqlite_url,
    data_dir,
    db,
    pg_db,
    sqlite_db,
)
from tests.integration.api_helpers import world  # noqa: F401  (the REST API tests' workspace + keys + client)
from tests.integration.s3_support import s3_world  # noqa: F401  (media on the real S3 server, Ceph RGW)
from tests.realservers.atproto_network import atproto_network, start_early, stop_unused  # noqa: F401
from tests.realservers.ceph import ceph_s3  # noqa: F401


@pytest.hookimpl(trylast=True)  # after -k / -m deselection
def pytest_collection_modifyitems(session, config, items) -> None:  # noqa: ANN001
    start_early(items)  # real servers start while the first tests run


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ANN001
    stop_unused()
