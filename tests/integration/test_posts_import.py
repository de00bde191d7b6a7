"""CSV import: the dry run lists each row's problems and saves nothing; the import is all-or-nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from services.db import session_scope
from services.imports.csv_import import ImportRefused, import_posts, preview_import
from services.imports.export import export_csv, export_json
from services.media.storage import store_upload
from services.models import MediaAsset, Post, PostTarget
from tests.fakes.feed_server import FeedServer
from tests.fakes.openai_server import png_bytes
from tests.integration.webhook_support import workspace
from tests.seeding import seed_workspace

PNG = png_bytes(8, 8)


def count_posts(org_id: int) -> int:
    with session_scope() as session:
        return len(session.exec(select(Post).where(Post.organization_id == org_id)).all())


def test_dry_run_lists_every_rows_problems_and_saves_nothing(db: str) -> None:
    org_id, _user, account_id = workspace()
    other_org, _u2, (foreign,) = seed_workspace("Other", accounts=1)
    csv_text = (
        "text,text:demo,accounts,scheduled_at,timezone,media\n"
        f"Fine row,,{account_id},2031-05-04 09:30,Europe/Berlin,\n"
        f"Past,,demo,2001-01-01 10:00,UTC,\n"
        f"Bad zone,,{account_id},2031-05-04 09:30,Mars/Base,\n"
        f"Foreign account,,{foreign},,,\n"
        f"Bad date,,{account_id},next tuesday,,\n"
        f"{'x' * 600},,{account_id},,,\n"
        f"Media,,{account_id},,,999;http://10.1.2.3/a.png\n"
        ",,,,,\n"
        ",,demo,2031-05-04 09:30,,\n"
    )
    preview = preview_import(org_id, csv_text, default_tz="UTC")
    by_line = {r.line: r.problems for r in preview.rows}
    assert by_line[2] == [] and preview.rows[0].local_time == "2031-05-04 09:30 Europe/Berlin"
    assert preview.rows[0].scheduled_at == datetime(2031, 5, 4, 7, 30, tzinfo=UTC)
    assert any("in the past" in p for p in by_line[3])
    assert any("Unknown timezone" in p for p in by_line[4])
    assert any("not connected to this workspace" in p for p in by_line[5])
    assert any("not a date and time" in p for p in by_line[6])
    assert any("Demo" in p and "500" in p for p in by_line[7])  # the Demo network's own 500-character rule
    assert any("999" in p for p in by_line[8]) and any("does not connect" in p for p in by_line[8])
    assert 9 not in by_line  # a blank line is skipped, the numbering still matches the file
    assert any("no text and no media" in p for p in by_line[10])
    assert not preview.ok and "7 of 8 rows have problems" in preview.summary()
    assert count_posts(org_id) == 0

    with pytest.raises(ImportRefused, match="rows have problems"):
        import_posts(org_id, None, csv_text)
    assert count_posts(org_id) == 0 and count_posts(other_org) == 0


def test_file_level_problems(db: str) -> None:
    org_id, _user, _acc = workspace()
    assert preview_import(org_id, "body,accounts\nx,1\n").file_problems == [
        "The first row must name the columns, including “text”."
    ]
    assert "Unknown column “colour”" in preview_import(org_id, "text,colour\nx,red\n").file_problems[0]
    assert "not UTF-8" in preview_import(org_id, "text\n\xe9t\xe9\n".encode("latin-1")).file_problems[0]
    assert "no connected account" in preview_import(org_id, "text,text:x\nhello,hi\n").file_problems[0]


def test_import_is_all_or_nothing_through_the_composer_services(db: str) -> None:
    org_id, user_id, account_id = workspace()
    asset = store_upload(org_id, user_id, "dot.png", PNG)
    good = (
        "text,text:demo,accounts,scheduled_at,timezone,media\n"
        f"First,Demo version,demo,2031-05-04 09:30,America/New_York,#{asset['id']}\n"
        f"Second draft,,{account_id},,,\n"
        f"'=SUM(1;2),,{account_id},,,\n"
    )
    with FeedServer() as files:  # media by URL: downloaded through the guard into the library
        files.files["/media/dot.png"] = PNG
        ids = import_posts(org_id, user_id, good + f"By URL,,demo,,,{files.url}/media/dot.png\n", default_tz="UTC")
    assert len(ids) == 4
    with session_scope() as session:
        assert len(session.exec(select(MediaAsset)).all()) == 2
    ids = ids[:3]
    with session_scope() as session:
        first = session.get(Post, ids[0])
        [target] = session.exec(select(PostTarget).where(PostTarget.post_id == ids[0])).all()
        third = session.get(Post, ids[2])
    assert first.status == "scheduled" and first.timezone == "America/New_York"
    assert first.scheduled_at == datetime(2031, 5, 4, 13, 30, tzinfo=UTC)
    assert target.body_override == "Demo version" and target.status == "scheduled"
    assert third.body == "=SUM(1;2)"  # the export's formula guard is undone on the way back in

    # The export round-trips: protected cells, local times, media ids; JSON has every target.
    exported = export_csv(org_id)
    assert "'=SUM(1;2)" in exported and "2031-05-04 09:30" in exported and f",{asset['id']}," in exported
    posts_json = json.loads(export_json(org_id))["posts"]
    assert {p["id"] for p in posts_json} >= set(ids)
    again = preview_import(org_id, exported)
    assert again.file_problems == [] and [r.problems for r in again.rows] == [[], [], [], []]

    # One bad row among good ones: nothing at all is saved.
    before = count_posts(org_id)
    with pytest.raises(ImportRefused):
        import_posts(org_id, user_id, good + "Late,,demo,2000-01-01 00:00,,\n")
    assert count_posts(org_id) == before
    with session_scope() as session:
        assert len(session.exec(select(MediaAsset)).all()) == 2
