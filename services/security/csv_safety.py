"""CSV/formula injection: a cell a spreadsheet would run as a formula is written as text.

Post texts, account names and URLs come from users and platforms. Excel, LibreOffice and Google
Sheets treat a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula
(`=HYPERLINK(...)`, `=cmd|...`), so such cells are prefixed with `'` (OWASP's advice). Numbers
are left alone: a negative count is not text a person typed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are safe for spreadsheets (only object/string columns are touched)."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out
