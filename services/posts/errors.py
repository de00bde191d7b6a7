"""The one exception the composer and calendar catch: its message is shown to the user as is."""


class PostError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
