"""Domain errors: every business refusal carries a stable code (a rule id such as `R-PTS-4`, or an
error code such as `card_not_usable`) and a human sentence. Views, the admin and the API turn them into
messages or the contract's JSON error; the HTTP status is chosen by the class."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(detail)
        self.detail = str(detail)
        self.code = code or self.default_code
        self.fields = fields or {}

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


class RuleViolation(DomainError):
    """A business rule refuses the request (400)."""


class NotAllowed(DomainError):
    """The user may not do this, although the role may do similar things (403)."""

    status_code = 403
    default_code = "forbidden"


class Conflict(DomainError):
    """Out-of-order state change or idempotency clash (409)."""

    status_code = 409
    default_code = "conflict"
