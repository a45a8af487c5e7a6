"""The one domain error type. Services raise it; API, pages and STOMP map it in one place each."""

from typing import Any


class DomainError(Exception):
    """A refusal a user can act on: a stable ``code``, a Korean ``message``, optional ``details``.

    ``status`` is the HTTP status the API maps it to (400 bad input, 403 forbidden,
    404 not found, 409 conflict with the current state). ``field`` names the input the
    refusal is about, where there is one: forms show the message next to that field.
    """

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        details: dict[str, Any] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
