"""The post services' refusal: a UserError, so the UI shows its message as is."""

from services.errors import UserError


class PostError(UserError):
    """A refusal from the post services (composer, calendar, queue, posts list)."""


class PostNotFound(PostError):
    """No such post in this workspace (also what another workspace's post id gets): never says which."""
