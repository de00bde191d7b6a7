"""Recurring posts: rules and expansion (rules), series stored as real posts (series)."""

from services.recurrence.rules import RecurrenceError, describe_rule, expand_occurrences, normalize_rule
from services.recurrence.series import (
    MATERIALIZE_DAYS,
    count_occurrences,
    end_series,
    extend_all_series,
    extend_series,
    series_occurrences,
    set_recurrence,
    update_occurrence,
    update_series,
)

__all__ = [
    "MATERIALIZE_DAYS", "RecurrenceError", "count_occurrences", "describe_rule", "end_series", "expand_occurrences",
    "extend_all_series", "extend_series", "normalize_rule", "series_occurrences", "set_recurrence",
    "update_occurrence", "update_series",
]  # fmt: skip
