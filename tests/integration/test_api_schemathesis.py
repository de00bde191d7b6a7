"""Property-based run of the OpenAPI document against the API (schemathesis, Python API, in pytest).

Every operation gets a bounded number of generated requests (valid ones and, where schemathesis
can build them, invalid ones), authenticated with an owner's key, on PostgreSQL — the stricter
database (NUL bytes, 32-bit ids). Checks: no 5xx ever, every status and content type is
documented, every response body matches its schema, and invalid requests are refused with a 4xx.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from services.api import keys, ratelimit
from tests.conftest_services import TEST_SECRET
from tests.dbutil import truncate_all
from tests.integration.api_helpers import actor, make_client, seed_api_world

#: examples per operation (valid, invalid): enough to find a 500 path, small enough to stay well under a minute
EXAMPLES = int(os.environ.get("SOCIALHUB_SCHEMATHESIS_EXAMPLES", "8"))
NEGATIVE_EXAMPLES = max(1, EXAMPLES // 2)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_app(_pg_url: str, data_dir, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[object, str]]:  # noqa: ANN001
    from services.config import reset_settings

    monkeypatch.setenv("DATABASE_URL", _pg_url)
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("SOCIALHUB_API_RATE_PER_MIN", "1000000")  # the run itself must not be rate limited
    monkeypatch.delenv("REDIS_URL", raising=False)
    reset_settings()
    truncate_all(_pg_url)
    ratelimit.reset_local()
    ids = seed_api_world()
    key = keys.create_key(actor(ids["users"]["owner"], "owner"), ids["org"], "fuzz", "owner")[0]
    client = make_client()
    yield client.app, key
    reset_settings()


def _fuzz(operation, mode: GenerationMode, auth: dict[str, str]) -> None:  # noqa: ANN001
    """A bounded hypothesis run of one operation in one generation mode."""
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES if mode is GenerationMode.POSITIVE else NEGATIVE_EXAMPLES, deadline=None,
              database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case) -> None:  # noqa: ANN001
        case.call_and_validate(headers=auth, checks=checks)

    run()


def test_no_server_errors_and_responses_match_the_schema(api_app: tuple[object, str]) -> None:
    app, key = api_app
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    auth = {"Authorization": f"Bearer {key}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, auth)
            except (Exception, ExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failures
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
