from datetime import UTC, date, datetime

from services.display_time import format_date, format_datetime, format_time, parse_locale

MOMENT = datetime(2026, 12, 8, 17, 59, 42, tzinfo=UTC)


def test_us_english_has_no_seconds_and_uses_the_zone():
    text = format_datetime(MOMENT, "Europe/Berlin", "en_US")
    assert "6:59" in text and "PM" in text and "42" not in text
    assert text.startswith("Tue") and "2026" in text


def test_german_uses_24_hours_and_its_own_order():
    text = format_datetime(MOMENT, "Europe/Berlin", "de_DE")
    assert "18:59" in text and "Dez" in text and "PM" not in text


def test_zone_abbreviation_only_when_asked():
    assert format_datetime(MOMENT, "Europe/Berlin", "en_US", with_zone=True).endswith("CET")
    assert not format_datetime(MOMENT, "Europe/Berlin", "en_US").endswith("CET")


def test_naive_is_utc_and_dates_move_into_the_zone():
    assert format_time(datetime(2026, 12, 8, 23, 30), "Asia/Tokyo", "en_GB") == "08:30"
    assert format_date(datetime(2026, 12, 8, 23, 30, tzinfo=UTC), "Asia/Tokyo", "en_US") == "Wed, Dec 9, 2026"
    assert format_date(date(2026, 12, 8), locale="en_US", weekday=False) == "Dec 8, 2026"


def test_accept_language_parsing_falls_back():
    assert parse_locale("de-DE,de;q=0.9,en;q=0.8") == "de_DE"
    assert parse_locale("xx-YY, fr") == "fr"
    assert parse_locale("") == "en_US"
    assert parse_locale(None) == "en_US"
