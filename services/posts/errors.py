"""The post services' refusals: UserErrors, so the UI shows their message as is."""

from services.errors import Conflict, NotFound, UserError


class PostError(UserError):
    """A refusal from the post services (composer, calendar, queue, posts list)."""


class PostNotFound(PostError, NotFound):
    """The post (or target) is not in this workspace."""


class PostConflict(PostError, Conflict):
    """The post's targets are published or being published, so the action can't apply."""


class PostFieldError(PostError):
    """A refusal about one input (an unknown account or media id, the time, the zone): names the field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field_errors = ({"field": field, "message": message},)


class TargetsInvalid(PostError):
    """Some targets' text or media break their platform's rules; one field error per account."""

    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.field_errors = tuple(errors)
