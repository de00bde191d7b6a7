"""The retry schedule: a fast first retry, then exponential with jitter up to the cap; the platform's reset wins."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from services.config import get_settings, reset_settings
from services.publishing.outcomes import retry_delay, retry_later


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path):  # noqa: ANN001, ANN201
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "k")
    for name in ("BACKOFF_BASE_SECONDS", "BACKOFF_MAX_SECONDS", "FIRST_RETRY_SECONDS"):
        monkeypatch.delenv(f"SOCIALHUB_PUBLISH_{name}", raising=False)
    reset_settings()
    yield get_settings()
    reset_settings()


def test_first_retry_is_two_to_five_seconds_with_jitter(settings) -> None:  # noqa: ANN001
    delays = [retry_delay(1, settings) for _ in range(500)]
    assert 2.0 <= min(delays) and max(delays) <= 5.0
    assert max(delays) - min(delays) > 2.0, "jittered, not one fixed instant"


def test_unknown_outcome_is_retried_well_within_five_seconds(settings) -> None:  # noqa: ANN001
    delays = [retry_delay(1, settings, "unknown_outcome") for _ in range(500)]
    assert 1.0 <= min(delays) and max(delays) <= 4.0


def test_then_exponential_from_the_base_up_to_the_cap(settings) -> None:  # noqa: ANN001
    # base 30 s: attempt 2 → 15–30 s, 3 → 30–60 s, 4 → 60–120 s … capped at 900 s (450–900 s).
    for attempts, (low, high) in {2: (15, 30), 3: (30, 60), 4: (60, 120), 10: (450, 900), 30: (450, 900)}.items():
        delays = [retry_delay(attempts, settings) for _ in range(200)]
        assert low <= min(delays) and max(delays) <= high, attempts


def test_first_retry_window_is_configurable_and_capped(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("SOCIALHUB_PUBLISH_FIRST_RETRY_SECONDS", "0.1-0.3")
    reset_settings()
    assert get_settings().publish_first_retry_seconds == (0.1, 0.3)
    assert all(0.1 <= retry_delay(1, get_settings()) <= 0.3 for _ in range(100))
    capped = dataclasses.replace(settings, publish_backoff_max_seconds=0.5)
    assert all(retry_delay(1, capped) <= 0.5 for _ in range(100))


def test_retry_after_wins_whether_sooner_or_later(settings) -> None:  # noqa: ANN001
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for reset in (timedelta(seconds=1), timedelta(seconds=90)):
        outcome = retry_later(now, 1, settings, "429", "rate_limited", not_before=now + reset)
        assert outcome.values["next_attempt_at"] == now + reset
    plain = retry_later(now, 1, settings, "500", "transient").values["next_attempt_at"]
    assert now + timedelta(seconds=2) <= plain <= now + timedelta(seconds=5)
