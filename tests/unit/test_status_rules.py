"""The status enums store the exact strings the database holds, and their rules are the ones the
composer, calendar, queue and engine used to spell out by hand."""

from __future__ import annotations

from services.publishing.states import (
    EDITABLE_TARGET_STATES,
    LOCKED_TARGET_STATES,
    PostStatus,
    TargetStatus,
    derive_post_status,
)


def test_stored_strings_are_unchanged() -> None:
    assert [s.value for s in TargetStatus] == ["draft", "scheduled", "publishing", "published", "failed", "needs_review"]
    assert [s.value for s in PostStatus] == [*[s.value for s in TargetStatus], "partially_failed"]
    assert TargetStatus("needs_review") is TargetStatus.NEEDS_REVIEW
    assert f"{TargetStatus.PUBLISHED}" == "published" and TargetStatus.PUBLISHED == "published"


def test_rules() -> None:
    def holds(rule: str) -> set[str]:
        return {s.value for s in TargetStatus.matching(rule)}

    assert holds("is_locked") == {"publishing", "published"} == set(LOCKED_TARGET_STATES)
    assert holds("is_editable") == {"draft", "scheduled", "failed", "needs_review"} == set(EDITABLE_TARGET_STATES)
    assert holds("can_reschedule") == {"draft", "scheduled", "failed"}
    assert holds("can_cancel") == {"scheduled"}
    assert holds("can_retry") == {"failed", "needs_review"}
    assert holds("is_pending") == {"scheduled", "publishing"}
    assert holds("is_settled") == {"draft", "published", "failed", "needs_review"}
    assert holds("occupies_slot") == {"scheduled", "publishing", "published", "needs_review"}
    assert {s.value for s in PostStatus if s.can_reschedule} == {"draft", "scheduled", "failed"}


def test_derived_post_status_is_a_post_status() -> None:
    assert derive_post_status([]) is PostStatus.DRAFT
    assert derive_post_status(["published", "failed"]) is PostStatus.PARTIALLY_FAILED
    assert derive_post_status(["published", "publishing"]) is PostStatus.PUBLISHING
