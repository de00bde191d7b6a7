"""File sizes in words a person can compare: the size and the limit never read the same when they differ.

Platform limits are byte counts (Bluesky: 1,000,000 bytes), so sizes are shown in decimal units
(1 MB = 1,000,000 bytes, 1 KB = 1,000 bytes). Rounding both numbers to one decimal made
"1.0 MB; the limit is 1.0 MB" out of 1,030,000 bytes against 1,000,000: precision grows until the
two numbers differ, and past that the exact byte counts are shown.
"""

from __future__ import annotations

KB = 1000
MB = 1000 * 1000


def _in_unit(size: int, unit: int, name: str, decimals: int) -> str:
    return f"{size / unit:.{decimals}f} {name}"


def size_pair(size: int, limit: int) -> tuple[str, str]:
    """(size, limit) formatted alike, so that size > limit always reads as a larger number."""
    unit, name = (MB, "MB") if max(size, limit) >= 100 * KB else (KB, "KB")
    for decimals in (2, 3):
        shown = _in_unit(size, unit, name, decimals), _in_unit(limit, unit, name, decimals)
        if shown[0] != shown[1] or size == limit:
            return shown
    return f"{size:,} bytes", f"{limit:,} bytes"


def human_size(size: int) -> str:
    """One size on its own (decimal units, two decimals)."""
    return size_pair(size, size)[0]
