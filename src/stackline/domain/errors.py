"""What can be wrong with what a person or a program hands Stackline, in words, field by field.

Errors say what is wrong, not how a transport reports it: the web layer maps each kind to an
HTTP status (422, 409, 400, 404) and the CLI to a message and an exit status.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

MAX_PROBLEMS = 20  # problems listed in one error; the rest are counted


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str
    kind: str = dataclasses.field(default="", compare=False)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class StacklineError(Exception):
    """A refused input: a message, and the fields at fault. At most `MAX_PROBLEMS` problems are
    kept; the message counts those left out."""

    message: str
    problems: list[FieldProblem] = field(default_factory=list)
    code: str = "error"

    def __post_init__(self) -> None:
        if len(self.problems) > MAX_PROBLEMS:
            left_out = len(self.problems) - MAX_PROBLEMS
            self.problems = self.problems[:MAX_PROBLEMS]
            self.message += f" ({left_out} more problems not listed)"

    def __str__(self) -> str:
        """The message, then each problem it does not already say (each point said once)."""
        unsaid = [p for p in self.problems if p.message not in self.message]
        if not unsaid:
            return self.message
        listed = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in unsaid)
        return f"{self.message}: {listed}"


@dataclass
class InvalidEvent(StacklineError):
    """An event that breaks the catalog's schema or a rule of the log; nothing was written."""

    code: str = "invalid_event"


@dataclass
class ConflictingEvent(StacklineError):
    """An event id already stored with other content; nothing was written."""

    code: str = "conflict"


@dataclass
class MalformedDocument(StacklineError):
    """Input that is not even an event: bad JSON, not an object, not an event file."""

    code: str = "bad_request"


@dataclass
class UnknownCompany(StacklineError):
    """A company slug that no registration names."""

    code: str = "not_found"

    @classmethod
    def of(cls, slug: str) -> UnknownCompany:
        return cls(f"no company {slug!r} is registered", [FieldProblem("slug", "not registered")])
