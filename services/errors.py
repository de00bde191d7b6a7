"""UserError: the one base every user-facing refusal derives from.

A service that refuses something the person asked for (bad input, not found in this workspace,
a post that is already out, a platform that said no) raises a subclass of UserError whose
message says what happened and what to do next. The UI layer catches this one type and shows
`str(exc)` as is; anything else is a bug and goes to the app's generic error handler.

Two markers say what kind of refusal it is, for doors that need more than the message (the REST
API answers 404 / 409 from them): `NotFound` (the row does not exist *in this workspace* — another
workspace's row is missing too) and `Conflict` (the row exists but its state forbids the action:
already published, being published right now). `field_errors` names the inputs at fault.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal whose message is fit to show the person who caused it."""

    #: [{"field": "per_account_text.12", "message": "..."}] when specific inputs are at fault.
    field_errors: tuple[dict[str, str], ...] = ()

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(message, *args)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    """Nothing with that id in this workspace (another workspace's rows are "not found" too)."""


class Conflict(UserError):
    """The thing exists, but its current state forbids the action (published, in flight)."""
