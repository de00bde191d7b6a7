"""The composer's evaluation is a frozen TargetEvaluation per account (state turns it into a dict)."""

from __future__ import annotations

import dataclasses

import pytest

from services.posts.preview import TargetEvaluation, evaluate_targets


def test_evaluation_is_typed_and_frozen() -> None:
    accounts = [{"id": "7", "platform": "x", "display_name": "Me"}, {"id": "8", "platform": "bluesky", "display_name": "B"}]
    rows = evaluate_targets(1, accounts, "see https://example.com/" + "a" * 200, {"8": "short"}, [])
    x, bsky = rows
    assert isinstance(x, TargetEvaluation) and x.account_id == "7" and x.label == "X"
    assert x.count == 27 and x.counter == "27/280"  # "see " + a URL counted as 23 and x.preview_links == ["https://example.com/" + "a" * 200]
    assert bsky.customized and bsky.text == "short" and bsky.ok and not bsky.over
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.text = "changed"  # type: ignore[misc]
    as_dict = dataclasses.asdict(x)
    assert set(as_dict) == {f.name for f in dataclasses.fields(TargetEvaluation)}
