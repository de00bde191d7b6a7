"""What API clients send: strict Pydantic models that refuse unknown fields and wrong types.

The models check *shape* only (types, lengths, id ranges, no NUL bytes — PostgreSQL can't store
them). Every business rule — accounts and media of this workspace, a platform's limits, a time in
the future, a known timezone — stays in the services, which answer with the message the UI shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

#: ids are 32-bit INTEGER columns: anything larger can't exist (and must not reach the database).
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdKey = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,8}$")]
#: Text for the database: no NUL characters (PostgreSQL refuses them in text columns).
SafeText = Annotated[str, StringConstraints(max_length=50_000, pattern=r"^[^\x00]*$")]
ZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]
IsoTime = Annotated[
    datetime,
    Field(
        strict=False,  # JSON has no datetime type: an ISO 8601 string is the only way to send one
        description="ISO 8601. With an offset (2031-05-04T09:00:00+02:00 or …Z) it names one instant; without one "
        "it is a wall time in `timezone`.",
    ),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _sane_year(value: datetime | None) -> datetime | None:
    """Keep times inside what every conversion can represent (year 9999 ± an offset overflows)."""
    if value is not None and not 2000 <= value.year <= 2999:
        raise ValueError("the year must be between 2000 and 2999")
    return value


class PostCreate(Strict):
    """A new post: the text, the accounts, optional per-account text and media, and what to do with it."""

    text: SafeText = Field("", description="The post's text (every account uses it unless overridden).")
    account_ids: list[Id] = Field(default_factory=list, max_length=100, description="Accounts to post to.")
    per_account_text: dict[IdKey, SafeText] = Field(
        default_factory=dict, description="Account id → text for that account only (e.g. a shorter X version)."
    )
    media_ids: list[Id] = Field(default_factory=list, max_length=20, description="Uploaded media (POST /media).")
    action: Literal["draft", "schedule", "publish_now", "submit"] = Field(
        "draft",
        description="draft: save only; schedule: publish at scheduled_at; publish_now: publish at once; submit: send "
        "for approval (published at scheduled_at if given, else as soon as it is approved).",
    )
    scheduled_at: IsoTime | None = None
    timezone: ZoneName | None = Field(None, description="IANA zone, e.g. Europe/Berlin (default: the key creator's).")

    _year = field_validator("scheduled_at")(_sane_year)


class PostUpdate(Strict):
    """Change a post's content; fields left out keep their value. A scheduled post stays scheduled."""

    text: SafeText | None = None
    account_ids: list[Id] | None = Field(None, max_length=100)
    per_account_text: dict[IdKey, SafeText] | None = None
    media_ids: list[Id] | None = Field(None, max_length=20)
    timezone: ZoneName | None = None


class Reschedule(Strict):
    scheduled_at: IsoTime
    timezone: ZoneName | None = None

    _year = field_validator("scheduled_at")(_sane_year)


class MarkPublished(Strict):
    url: Annotated[str, StringConstraints(max_length=1000, pattern=r"^[^\x00]*$")] = Field(
        "", description="Where the post is on the platform (http:// or https://), if you know it."
    )


class QueueAdd(Strict):
    """Put an existing post (post_id) or new content into each account's next free queue slot."""

    account_ids: list[Id] = Field(..., min_length=1, max_length=100)
    post_id: Id | None = None
    text: SafeText = ""
    per_account_text: dict[IdKey, SafeText] = Field(default_factory=dict)
    media_ids: list[Id] = Field(default_factory=list, max_length=20)
    timezone: ZoneName | None = None


#: A reviewer's note: what the author reads next to the decision.
Note = Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00]*$")]


class Submit(Strict):
    """Send the post for approval as it is now; with a time it waits for that time *and* a reviewer."""

    scheduled_at: IsoTime | None = None
    timezone: ZoneName | None = None

    _year = field_validator("scheduled_at")(_sane_year)


class Approve(Strict):
    version: Id = Field(..., description="The version you reviewed (the post's `version`); a newer one is refused: 409.")
    note: Note = ""


class RequestChanges(Strict):
    version: Id = Field(..., description="The version you reviewed (the post's `version`); a newer one is refused: 409.")
    note: Note = Field(..., description="What should change; the author sees it.")


class CommentCreate(Strict):
    text: Annotated[str, StringConstraints(max_length=5000, pattern=r"^[^\x00]*$")] = Field(
        ..., description="At most 2,000 characters; `@name` mentions notify those members."
    )


class ApprovalSettingsUpdate(Strict):
    mode: Literal["off", "contributors", "everyone"] = Field(
        ..., description="off | contributors (required for Contributors) | everyone (required for everyone)."
    )
    allow_external: bool | None = Field(
        None, description="Allow approval through preview links; left out: unchanged."
    )
