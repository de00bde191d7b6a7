"""Small pieces of UI copy that must read like English, not like code.

Why one place: messages such as "Collected 1 post and 1 follower snapshots" or "3 account(s)" were
built ad hoc in each state. Counting words and lists through these helpers keeps every message
grammatical ("1 post", "2 posts", "Mon, Wed and Fri") without repeating the rule everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Irregular plurals the UI needs; everything else gets an "s".
_IRREGULAR = {"person": "people", "reply": "replies", "copy": "copies", "entry": "entries", "is": "are",
              "was": "were", "needs": "need", "has": "have", "this": "these", "it": "they"}


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The word for `n` things: plural(1, "post") == "post", plural(2, "post") == "posts"."""
    if n == 1:
        return singular
    return plural_form or _IRREGULAR.get(singular, singular + "s")


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """A number with its word: "1 post", "0 posts", "1,200 followers"."""
    return f"{n:,} {plural(n, singular, plural_form)}"


def join_words(items: Iterable[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c" — a list the way a sentence says it."""
    words = [str(i) for i in items if str(i)]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def first_words(text: str, limit: int = 40) -> str:
    """The start of a post as a person recognises it: whole words, at most `limit` characters, "…" if cut."""
    flat = " ".join((text or "").split())
    if not flat:
        return "(no text)"
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(",.;:—-") + "…"
