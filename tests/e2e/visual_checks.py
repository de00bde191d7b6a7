"""Layout measurements for the visual e2e check: horizontal scroll and overlapping controls.

Generic on purpose: it knows nothing about a page, only the DOM — so it keeps checking pages that
other changes add or rearrange.
"""

from __future__ import annotations

from playwright.sync_api import Page

#: Everything a person can click, type into or tab to.
INTERACTIVE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=tab], "
    "[role=checkbox], [role=switch], [role=radio], [role=combobox], [role=link], [role=menuitem], "
    "[tabindex]:not([tabindex='-1'])"
)

_OVERLAPS_JS = """
(selector) => {
  const clipOf = (el) => {
    // the element's box, cut by every ancestor that clips its overflow (a scrolled table cell that is
    // out of view is not "on top of" the next section)
    let r = el.getBoundingClientRect();
    let box = {l: r.left, t: r.top, r: r.right, b: r.bottom};
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const ar = a.getBoundingClientRect();
        if (s.overflowX !== 'visible') { box.l = Math.max(box.l, ar.left); box.r = Math.min(box.r, ar.right); }
        if (s.overflowY !== 'visible') { box.t = Math.max(box.t, ar.top); box.b = Math.min(box.b, ar.bottom); }
      }
    }
    return box;
  };
  const shown = (el) => {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    if (el.closest('[aria-hidden=true], .sh-visually-hidden, [data-sonner-toaster], [inert]')) return false;
    const s = getComputedStyle(el);
    if (s.pointerEvents === 'none' || parseFloat(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width >= 4 && r.height >= 4;
  };
  const name = (el) => {
    const tid = el.getAttribute('data-testid');
    const label = el.getAttribute('aria-label') || (el.innerText || el.value || '').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${tid ? '[' + tid + ']' : ''} "${label}"`;
  };
  const els = [...document.querySelectorAll(selector)].filter(shown);
  const boxes = els.map(clipOf);
  const found = [];
  for (let i = 0; i < els.length; i++) {
    const a = boxes[i];
    if (a.r - a.l < 2 || a.b - a.t < 2) continue;
    for (let j = i + 1; j < els.length; j++) {
      if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;  // a control inside a control
      const b = boxes[j];
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
      const h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 2 && h > 2) found.push(`${name(els[i])} overlaps ${name(els[j])} (${Math.round(w)}×${Math.round(h)} px)`);
    }
  }
  return found;
}
"""


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page scrolls sideways (0 = it fits the viewport's width)."""
    return int(
        page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    )


def overlapping_controls(page: Page) -> list[str]:
    """Pairs of visible interactive elements whose boxes intersect (more than 2 px each way)."""
    return list(page.evaluate(_OVERLAPS_JS, INTERACTIVE))
