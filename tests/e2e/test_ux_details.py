"""Issue 20 item 15 in the browser: the small things a new user trips over.

Focus rings are measured, not eyeballed: the ring's computed colour against the background behind it
(both read through a canvas, so any CSS colour syntax compares as sRGB) must reach 3:1 (WCAG 1.4.11).
"""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.ux_seed import seed_owner

_RING_JS = """() => {
  const rgb = (css) => {
    const c = document.createElement('canvas'); c.width = c.height = 1;
    const x = c.getContext('2d'); x.fillStyle = '#000'; x.fillStyle = css; x.fillRect(0, 0, 1, 1);
    const d = x.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3]];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // the ring is on the element or (Radix text fields) on the wrapper that has focus-within
  let holder = el;
  while (holder && !(getComputedStyle(holder).outlineStyle !== 'none' && parseFloat(getComputedStyle(holder).outlineWidth) > 0)) {
    holder = holder.parentElement;
    if (holder && holder.tagName === 'BODY') { holder = null; }
  }
  if (!holder) return {name: el.outerHTML.slice(0, 80), ratio: 0};
  const ring = rgb(getComputedStyle(holder).outlineColor);
  let bg = [255, 255, 255, 255];
  for (let a = holder.parentElement; a; a = a.parentElement) {
    const c = rgb(getComputedStyle(a).backgroundColor);
    if (getComputedStyle(a).backgroundColor !== 'rgba(0, 0, 0, 0)' && c[3] === 255) { bg = c; break; }
  }
  const [hi, lo] = [lum(ring), lum(bg)].sort((p, q) => q - p);
  return {name: (el.getAttribute('data-testid') || el.tagName) + ' ' + (el.getAttribute('aria-label') || el.innerText || '').slice(0, 30),
          ratio: (hi + 0.05) / (lo + 0.05)};
}"""


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_focus_rings_reach_3_to_1_on_every_tab_stop(page: Page, app_url: str, app_env: dict) -> None:
    seed_owner(page, app_url, app_env, filler_posts=0)
    page.goto(f"{app_url}/posts")
    expect(page.get_by_test_id("post-row").first).to_be_visible(timeout=30000)
    page.locator("body").click(position={"x": 5, "y": 5})
    measured = []
    for _ in range(30):  # sidebar links, header buttons, the search field, selects, date fields, checkboxes
        page.keyboard.press("Tab")
        found = page.evaluate(_RING_JS)
        if found:
            measured.append(found)
    names = " | ".join(m["name"] for m in measured)
    assert any("posts-search" in m["name"] for m in measured), names  # a Radix text field was among them
    weak = [m for m in measured if m["ratio"] < 3]
    assert not weak, weak


def test_small_things(page: Page, app_url: str, app_env: dict) -> None:
    seeded = seed_owner(page, app_url, app_env)

    # Posts: a published post shows when it went out; the sidebar's background runs the full page height
    page.goto(f"{app_url}/posts")
    published = page.locator(f"[data-testid=post-row][data-post-id='{seeded['published'][0]}']")
    expect(published.get_by_test_id("post-when")).to_have_text(
        re.compile(r"^Published \S.*\d{1,2}:\d{2}")
    )
    scheduled = page.locator(f"[data-testid=post-row][data-post-id='{seeded['scheduled'][0]}']")
    expect(scheduled.get_by_test_id("post-when")).not_to_contain_text("Published")
    page.wait_for_load_state("networkidle")
    doc_height = page.evaluate("() => document.scrollingElement.scrollHeight")
    assert doc_height > 1000, "the seeded Posts page is longer than the window"
    sidebar = page.get_by_role("navigation", name="Main", exact=True).bounding_box()
    assert sidebar is not None and sidebar["y"] + sidebar["height"] >= doc_height - 4, (sidebar, doc_height)

    # Analytics: the platform filter names the network properly
    page.goto(f"{app_url}/analytics")
    expect(page.get_by_test_id("filter-platform-demo")).to_have_text("Demo", timeout=30000)

    # AI settings: each sub-tab is one tab stop (a link, not a link around a button), the current one marked
    page.goto(f"{app_url}/ai/providers")
    tabs = page.locator("[data-testid^=ai-subnav-]")
    expect(tabs).to_have_count(5)
    for i in range(5):
        tab = tabs.nth(i)
        assert tab.evaluate("(el) => el.tagName") == "A"
        assert tab.evaluate("(el) => el.querySelectorAll('a, button, input, [tabindex]').length") == 0
    expect(page.get_by_test_id("ai-subnav-providers")).to_have_attribute("aria-current", "page")
    page.get_by_test_id("ai-subnav-providers").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("ai-subnav-personas")).to_be_focused()

    # Compose: the × of an uploaded image sits on the thumbnail
    page.goto(f"{app_url}/compose")
    page.get_by_test_id("media-upload").locator("input[type=file]").set_input_files(
        files=[{"name": "blue.png", "mimeType": "image/png", "buffer": _png()}]
    )
    thumb = page.get_by_test_id("media-thumb")
    expect(thumb).to_have_count(1, timeout=30000)
    expect(thumb).to_have_js_property("complete", True)
    t, x = thumb.bounding_box(), page.get_by_test_id("remove-media").bounding_box()
    assert t and x
    assert t["x"] <= x["x"] and x["x"] + x["width"] <= t["x"] + t["width"] + 1, (t, x)
    assert t["y"] <= x["y"] and x["y"] + x["height"] <= t["y"] + t["height"] + 1, (t, x)


def test_no_stray_box_above_create_account(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/register")
    form = page.get_by_test_id("register-form")
    expect(form.get_by_test_id("register-submit")).to_be_visible()
    # every text-field frame in the form holds a visible field (the hidden timezone field drew an empty one)
    frames = form.locator(".rt-TextFieldRoot")
    visible_inputs = form.locator("input:not([type=hidden])")
    expect(frames).to_have_count(visible_inputs.count())
    boxes = form.evaluate("""(f) => [...f.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.height > 8 && r.width > 8 && !e.innerText.trim() && !e.querySelector('input:not([type=hidden]), svg')
            && !['INPUT', 'svg', 'path'].includes(e.tagName) && (s.borderTopWidth !== '0px' || s.boxShadow !== 'none');
    }).map(e => e.outerHTML.slice(0, 120))""")
    assert boxes == [], boxes
