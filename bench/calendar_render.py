"""How fast does the calendar's month view render a month holding 2,000 posts? (budget: 1 s on localhost)

    DATABASE_URL=... .venv/bin/python bench/calendar_render.py --url http://localhost:3000 \
        [--count 2000] [--year 2027 --month 1] [--tz Europe/Berlin] [--runs 5] [--keep]

Needs a running app (`./run.sh` or `reflex run --env prod`) and the same DATABASE_URL it uses.
Seeds the month with bench/calendar_data.py (a "[bench]" user and posts), logs in with Playwright
(Chromium from CHROMIUM_PATH or /usr/bin/chromium) and measures, in the browser:

- cold load: navigation to /calendar?view=month&date=… until the month's chips are drawn (and, for
  reference, the same for an empty month: what any page load costs before the posts matter);
- switch: clicking "next" then "previous" from an empty month back to the busy one, timed inside
  the page with performance.now() from the click until the cell counts of the busy month are in
  the DOM (server query + state delta + React render).

Prints best / median / worst per measurement, the DOM size of the grid, and PASS/FAIL against the
budget. Removes the seeded posts afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BUDGET_MS = 1000.0

# Resolves with the ms between the click and the busy month being fully drawn.
TIMED_SWITCH_JS = """async ([selector, title, count]) => {
    const done = () => {
        const t = document.querySelector('[data-testid=cal-title]');
        const c = document.querySelector('[data-testid=cal-count]');
        return t && c && t.textContent === title && c.textContent === count
            && document.querySelectorAll('[data-testid=cal-item]').length > 0;
    };
    const started = performance.now();
    document.querySelector(selector).click();
    await new Promise((resolve) => {
        if (done()) return resolve();
        const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(); } });
        obs.observe(document.body, {subtree: true, childList: true, characterData: true});
    });
    await new Promise((r) => requestAnimationFrame(() => r()));  // until the frame is painted
    return performance.now() - started;
}"""


def _figures(name: str, samples: list[float]) -> str:
    return (
        f"{name}: best {min(samples):.0f} ms, median {statistics.median(samples):.0f} ms, "
        f"worst {max(samples):.0f} ms over {len(samples)} runs"
    )


def _analyze() -> None:
    """Refresh planner statistics after the bulk insert, as autovacuum does shortly after in real use.

    Measured right after inserting thousands of rows, PostgreSQL would still plan for the empty
    tables it last saw, which no real workspace (filled over weeks) ever experiences.
    """
    from sqlalchemy import text

    from services.db import get_engine, is_sqlite

    engine = get_engine()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE" if is_sqlite(str(engine.url)) else "ANALYZE posts, post_targets"))


def main() -> int:
    today = date.today()
    nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:3000")
    parser.add_argument("--email", default="bench-calendar@example.com")
    parser.add_argument("--password", default="bench-password-123")
    parser.add_argument("--year", type=int, default=nxt.year)
    parser.add_argument("--month", type=int, default=nxt.month)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--tz", default="UTC")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the seeded posts")
    args = parser.parse_args()

    from calendar_data import _accounts, _workspace, remove, seed
    from playwright.sync_api import expect, sync_playwright

    from services.db import upgrade_database

    upgrade_database()
    org_id, user_id = _workspace(args.email, args.password, args.tz)
    remove(org_id)
    started = time.perf_counter()
    seed(org_id, user_id, _accounts(org_id, user_id), args.year, args.month, args.tz, args.count)
    print(
        f"seeded {args.count} posts into {args.year}-{args.month:02d} ({args.tz}) in {time.perf_counter() - started:.1f}s"
    )
    _analyze()

    month_title = date(args.year, args.month, 1).strftime("%B %Y")
    month_url = f"{args.url}/calendar?view=month&date={args.year}-{args.month:02d}-01"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{args.url}/login")
            page.get_by_test_id("email-input").fill(args.email)
            page.get_by_test_id("password-input").fill(args.password)
            page.get_by_test_id("login-submit").click()
            page.get_by_test_id("page-title").wait_for(timeout=30000)

            empty_first = date(args.year + (args.month >= 11), (args.month + 1) % 12 + 1, 1)
            empty_url = f"{args.url}/calendar?view=month&date={empty_first.isoformat()}"
            baseline = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                page.goto(empty_url)
                expect(page.get_by_test_id("cal-title")).to_have_text(empty_first.strftime("%B %Y"), timeout=30000)
                expect(page.get_by_test_id("cal-day").first).to_be_visible(timeout=30000)
                baseline.append((time.perf_counter() - t0) * 1000)

            cold = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                page.goto(month_url)
                expect(page.get_by_test_id("cal-title")).to_have_text(month_title, timeout=30000)
                expect(page.get_by_test_id("cal-item").first).to_be_visible(timeout=30000)
                cold.append((time.perf_counter() - t0) * 1000)
            count_text = page.get_by_test_id("cal-count").inner_text()
            chips = page.get_by_test_id("cal-item").count()
            nodes = page.evaluate("() => document.querySelectorAll('[data-testid=cal-month] *').length")

            switch = []
            for _ in range(args.runs):
                page.get_by_test_id("cal-next").click()
                expect(page.get_by_test_id("cal-title")).not_to_have_text(month_title)
                page.wait_for_timeout(300)
                switch.append(page.evaluate(TIMED_SWITCH_JS, ["[data-testid=cal-prev]", month_title, count_text]))
            browser.close()
    finally:
        if not args.keep:
            remove(org_id)

    print(f"month grid: {count_text} in the month view, {chips} chips drawn, {nodes} DOM nodes in the grid")
    print(_figures("cold load of an empty month, for reference (page, login check, grid)", baseline))
    print(_figures("cold load of the busy month (navigation → chips drawn)", cold))
    print(_figures("switch to the busy month (click → drawn, in-page timer)", switch))
    verdict = "PASS" if statistics.median(switch) <= BUDGET_MS and statistics.median(cold) <= BUDGET_MS else "FAIL"
    print(f"{verdict}: budget {BUDGET_MS:.0f} ms for the month view")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
