"""Root fixtures: database fixtures for service tests (see tests/conftest_services.py), real servers."""

from tests.conftest_services import (  # noqa: F401
    _activate,
    _pg_url,
    _sqlite_url,
    data_dir,
    db,
    pg_db,
    sqlite_db,
)
from tests.realservers.atproto_network import atproto_network  # noqa: F401
