"""The API's failures as exceptions.

Every answer of 400 or more is an ``ApiError`` built from its problem+json body
(status, code, detail, request_id, errors); the common statuses have their own subclass,
so ``except NotFoundError`` reads as what it means. ``TransportError`` is a call that got
no answer at all (the connection failed on every attempt).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional


class PatronusError(Exception):
    """Base of every error this SDK raises."""


class TransportError(PatronusError):
    """No answer: the connection failed or timed out on every attempt."""


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str


class ApiError(PatronusError):
    """An answer with status 400 or more (problem+json)."""

    def __init__(
        self,
        status: int,
        problem: Mapping[str, Any],
        *,
        retry_after: Optional[float] = None,
    ) -> None:
        self.status = status
        self.problem: Dict[str, Any] = dict(problem)
        self.type: Optional[str] = problem.get("type")
        self.title: Optional[str] = problem.get("title")
        self.code: Optional[str] = problem.get("code")
        self.detail: Optional[str] = problem.get("detail")
        self.request_id: Optional[str] = problem.get("requestId")
        self.retry_after = retry_after
        raw = problem.get("errors")
        self.errors: List[FieldError] = [
            FieldError(str(e.get("path", "")), str(e.get("message", "")))
            for e in (raw if isinstance(raw, list) else [])
            if isinstance(e, Mapping)
        ]
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.status} {self.code or self.title or 'error'}"
        if self.detail:
            text += f": {self.detail}"
        if self.request_id:
            text += f" (request {self.request_id})"
        return text


class ValidationError(ApiError):
    """400: the request is not valid; ``errors`` names the fields."""


class UnauthorizedError(ApiError):
    """401: no valid API key."""


class ForbiddenError(ApiError):
    """403: the key's scopes do not allow this."""


class NotFoundError(ApiError):
    """404: no such object in an org this key can see."""


class ConflictError(ApiError):
    """409: a conflict, or an Idempotency-Key reused for another request."""


class PreconditionFailedError(ApiError):
    """412: If-Match did not match the object's current ETag."""


class RateLimitedError(ApiError):
    """429: the rate limit is reached; ``retry_after`` says for how long (seconds)."""


class ServerError(ApiError):
    """5xx: the server failed."""


_BY_STATUS = {
    400: ValidationError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    422: ValidationError,
    429: RateLimitedError,
}


def error_for(status: int, problem: Mapping[str, Any], retry_after: Optional[float]) -> ApiError:
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, problem, retry_after=retry_after)
