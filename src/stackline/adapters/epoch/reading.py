"""What reading Epoch AI's files gives back: candidate events, skipped rows, notes, and the errors.

Everything here is plain frozen data. A candidate's payload has the shape of DESIGN §2/§9.1
except in three places the reconciler resolves:
- a company position holds an `Org` (Epoch's spelling and the column it came from), not a slug;
- an asset reference that DESIGN writes as an object (`dependency.formed`'s `from` and `on`,
  `model.released`'s `base_model`) holds an `AssetRef`; plain name fields (`chip`, `model`,
  `facility`, a partnership's `asset`) stay strings, named in the company of their sibling field;
- `partnership.activated`'s `partnership` holds an `EventRef`: the role of the
  `partnership.formed` in the same candidate whose id it takes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from stackline.domain.dates import PartialDate
from stackline.domain.values import fold_name

OrgRole = Literal["owner", "organization", "manufacturer", "user"]
Layer = Literal["hardware", "compute", "model", "application"]
Confidence = Literal["confirmed", "likely", "speculative"]
Source = dict[str, str | None]


class EpochReadError(ValueError):
    """The files given cannot be read as one Epoch AI snapshot (nothing is returned)."""


class MalformedFile(EpochReadError):
    """A file that is not what it should be, naming the file, the physical line and the column."""

    def __init__(self, file: Path, line: int | None, column: str | None, problem: str) -> None:
        self.file, self.line, self.column, self.problem = file, line, column, problem
        where = [file.name]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


@dataclass(frozen=True, slots=True)
class Org:
    """An organization as Epoch spells it, and the column (role) it was named in."""

    name: str
    role: OrgRole


@dataclass(frozen=True, slots=True)
class AssetRef:
    """An asset named by a row (its own or another row's), for the reconciler to resolve."""

    layer: Layer
    name: str
    org: Org | None


@dataclass(frozen=True, slots=True)
class EventRef:
    """The event of the same candidate that has this role (its id is the reconciler's)."""

    role: str


@dataclass(frozen=True, slots=True)
class CandidateEvent:
    """One event derived from a row, before names are resolved and ids assigned."""

    role: str
    type: str
    occurred_on: str
    confidence: Confidence
    summary: str
    payload: dict[str, object]
    sources: tuple[Source, ...]
    details: str | None = None

    @property
    def target_on(self) -> str | None:
        target = self.payload.get("target_on")
        return target if isinstance(target, str) else None

    def content(self) -> tuple[str, str, str, dict[str, object]]:
        """What counts as a change for sync (§9.2.1): not sources, summary or snapshot."""
        return (self.type, self.occurred_on, self.confidence, self.payload)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One dataset row (its key) and the events derived from it, in a stable role order."""

    dataset: str
    key: str
    file: Path
    line: int
    events: tuple[CandidateEvent, ...]

    def event(self, role: str) -> CandidateEvent:
        for event in self.events:
            if event.role == role:
                return event
        raise KeyError(f"{self.key} has no event with the role {role!r}")

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(event.role for event in self.events)


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row that gives no candidate: `reason` is a short stable phrase, `detail` says more."""

    file: Path
    line: int
    key: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class Note:
    """Something an analyst should know about a row that still gave its candidate."""

    file: Path
    line: int
    key: str
    topic: str
    text: str


@dataclass(frozen=True, slots=True)
class FileRead:
    """A file read: its table, its bytes' sha256, its rows, and models left out by the filter."""

    path: Path
    dataset: str
    table: str
    sha256: str
    rows: int
    filtered_out: int = 0


@dataclass(frozen=True, slots=True)
class EpochReading:
    """Everything one read of an Epoch AI snapshot gives."""

    snapshot: PartialDate
    files: tuple[FileRead, ...]
    candidates: tuple[Candidate, ...]
    skipped: tuple[SkippedRow, ...]
    notes: tuple[Note, ...] = field(default=())
    # Folded organization name → company kind, from the models file's categorization (models.py).
    organization_kinds: dict[str, str] = field(default_factory=dict)

    def kind_of(self, organization: str) -> str:
        """The kind to register an organization with: its categorization's, else `other`."""
        return self.organization_kinds.get(fold_name(organization), "other")

    def candidates_of(self, dataset: str) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.dataset == dataset)

    def events_by_type(self) -> Counter[str]:
        return Counter(event.type for c in self.candidates for event in c.events)

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(row.reason for row in self.skipped)
