"""Approval workflow (issue #10, item 4) and shareable preview links (item 8).

- `states.py`   ApprovalState and the SQL gate the publishing engine's claim query uses.
- `rules.py`    the workspace setting and THE rule every path that schedules a post goes through.
- `events.py`   `announce`: the one place every approval event passes (audit log; notifications at merge).
- `workflow.py` approve / request changes (compare-and-set), the review queue, missed approvals.
- `preview_links.py` signed, expiring, revocable read-only links, with optional external approval.

Kept import-light on purpose: services.posts imports `rules`, and `workflow` imports services.posts.
"""
