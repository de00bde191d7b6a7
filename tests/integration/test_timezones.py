"""DST edges resolve as documented in services.timezones, and user timezones are validated."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.db import session_scope
from services.models import User
from services.timezones import (
    TimezoneError,
    get_user_timezone,
    is_ambiguous,
    is_nonexistent,
    local_midnight_utc,
    parse_local,
    set_user_timezone,
    to_local,
    to_utc,
    validate_timezone,
)


@pytest.mark.parametrize(
    ("tz", "local", "expected_utc", "shown_local"),
    [
        ("America/New_York", datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 7, 30, tzinfo=UTC), "03:30 EDT"),
        ("Europe/Berlin", datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "03:30 CEST"),
    ],
)
def test_nonexistent_time_moves_forward_by_the_gap(
    tz: str, local: datetime, expected_utc: datetime, shown_local: str
) -> None:
    assert is_nonexistent(local, tz) and not is_ambiguous(local, tz)
    utc, note = to_utc(local, tz)
    assert utc == expected_utc
    assert f"{to_local(utc, tz):%H:%M %Z}" == shown_local
    assert "doesn't exist" in note and shown_local in note and "60 minutes" in note


@pytest.mark.parametrize(
    ("tz", "local", "first_utc", "second_utc"),
    [
        (
            "America/New_York",
            datetime(2026, 11, 1, 1, 30),
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
        ),
        (
            "Europe/Berlin",
            datetime(2026, 10, 25, 2, 30),
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
    ],
)
def test_ambiguous_time_takes_the_first_occurrence(
    tz: str, local: datetime, first_utc: datetime, second_utc: datetime
) -> None:
    assert is_ambiguous(local, tz) and not is_nonexistent(local, tz)
    utc, note = to_utc(local, tz)
    assert utc == first_utc
    # Both instants really do show the same wall time: the choice matters.
    assert to_local(first_utc, tz).replace(tzinfo=None) == to_local(second_utc, tz).replace(tzinfo=None) == local
    assert "happens twice" in note and "first one" in note


def test_ordinary_times_have_no_note_and_round_trip() -> None:
    for tz in ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"):
        local = datetime(2026, 7, 14, 9, 15)
        utc, note = to_utc(local, tz)
        assert note == "" and utc.tzinfo is not None
        assert to_local(utc, tz).replace(tzinfo=None) == local
    assert to_utc(datetime(2026, 1, 5, 12, 0), "Asia/Kolkata")[0] == datetime(2026, 1, 5, 6, 30, tzinfo=UTC)
    aware = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert to_utc(aware, "Europe/Berlin") == (aware, "")


def test_local_midnight_and_parsing() -> None:
    assert local_midnight_utc(date(2026, 3, 1), "America/New_York") == datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    assert parse_local("2026-03-08", "09:05") == datetime(2026, 3, 8, 9, 5)
    with pytest.raises(TimezoneError, match="valid date"):
        parse_local("2026-02-30", "09:00")
    with pytest.raises(TimezoneError, match="valid time"):
        parse_local("2026-02-03", "25:00")
    with pytest.raises(TimezoneError):
        to_local(datetime(2026, 1, 1), "UTC")


@pytest.mark.parametrize("bad", ["", "Mars/Olympus_Mons", "Europe/Berlinn", "../../etc/passwd", "/etc/localtime"])
def test_unknown_timezone_names_are_refused(bad: str) -> None:
    with pytest.raises(TimezoneError) as err:
        validate_timezone(bad)
    assert "timezone" in str(err.value).lower()
    with pytest.raises(TimezoneError):
        to_utc(datetime(2026, 1, 1, 9, 0), bad)


def test_user_timezone_get_and_set(db: str) -> None:
    with session_scope() as s:
        user = User(email="tz@example.com", name="T", password_hash="x")
        s.add(user)
        s.flush()
        user_id = int(user.id)
    assert get_user_timezone(user_id) == "UTC"
    assert set_user_timezone(user_id, " Europe/Berlin ") == "Europe/Berlin"
    assert get_user_timezone(user_id) == "Europe/Berlin"
    with pytest.raises(TimezoneError, match="Unknown timezone"):
        set_user_timezone(user_id, "Europe/Nowhere")
    assert get_user_timezone(user_id) == "Europe/Berlin"
    with pytest.raises(TimezoneError, match="not found"):
        get_user_timezone(user_id + 100)
