"""UserError: the one base every user-facing refusal derives from.

A service that refuses something the person asked for (bad input, not found in this workspace,
a post that is already out, a platform that said no) raises a subclass of UserError whose
message says what happened and what to do next. The UI layer catches this one type and shows
`str(exc)` as is; anything else is a bug and goes to the app's generic error handler.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal whose message is fit to show the person who caused it."""

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(message, *args)
        self.message = message

    def __str__(self) -> str:
        return self.message
