"""Errors a person can act on.

Every rule violation is a `DomainError` carrying a stable `code` (the seeds' codes where
they name one) and, when one input field is at fault, that field's name. The GraphQL
layer maps them to `extensions.code` / `extensions.field` in one place; nothing else in
the code base decides what a client sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType


class DomainError(Exception):
    """A business rule refused the request; `code` is stable, `message` is for people.

    `details` are facts a client may act on without parsing the message (the quantity
    still available when stock runs short); they reach `extensions` beside the code.
    """

    code: str = "BAD_USER_INPUT"
    details: Mapping[str, str] = MappingProxyType({})

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def each(self) -> list[DomainError]:
        """The individual errors: a group of field errors is reported one by one."""
        return [self]


class InvalidInput(DomainError):
    """One input field breaks a rule (`field` names it)."""

    code = "BAD_USER_INPUT"


class InvalidInputs(DomainError):
    """Several fields are at fault at once; each becomes its own client error."""

    def __init__(self, errors: Iterable[DomainError]):
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors), code=self.errors[0].code)

    def each(self) -> list[DomainError]:
        return list(self.errors)


class NotFound(DomainError):
    """The object does not exist for this tenant (another tenant's object is 'not found')."""

    code = "NOT_FOUND"

    def __init__(self, kind: str, identifier: str, *, code: str | None = None):
        super().__init__(f"{kind} '{identifier}' was not found.", code=code)
        self.kind = kind
        self.identifier = identifier


class Conflict(DomainError):
    """The request contradicts data that already exists (a duplicate key, a stale version)."""

    code = "CONFLICT"


class VersionConflict(Conflict):
    code = "VERSION_CONFLICT"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


def collect(*checks: DomainError | None) -> None:
    """Raise every failed check together, so a clerk fixes a form in one pass."""
    failed = [c for c in checks if c is not None]
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise InvalidInputs(failed)


class DuplicateId(Conflict):
    code = "DUPLICATE_ID"

    def __init__(self, kind: str, identifier: str, field: str):
        super().__init__(
            f"{kind} id '{identifier}' is already in use; choose another or leave it empty "
            "to get the next one.",
            field=field,
        )


class ServiceUnavailable(DomainError):
    """A service the gateway needs (the database) did not answer in time; nothing was
    changed, and the same request can be sent again shortly."""

    code = "SERVICE_UNAVAILABLE"
