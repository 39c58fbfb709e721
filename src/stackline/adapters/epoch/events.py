"""What every derived event shares: its sources, its one-line summary, the snapshot's dates.

`RowEvents` collects one row's events in order; `Outcomes` collects the rows skipped and the
notes of a whole read. Each dataset module decides what a row means; this module only shapes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stackline.domain.dates import PartialDate
from stackline.domain.values import fold_name

from .reading import Candidate, CandidateEvent, Confidence, Note, SkippedRow, Source
from .rows import Row
from .tables import Dataset

SUMMARY_LIMIT = 200
TITLE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The snapshot being read: its date, and the month its announcements are dated."""

    date: PartialDate

    @property
    def month(self) -> str:
        """Announcements derived from a snapshot are dated its month (its own date if coarser)."""
        text = self.date.text
        return text[:7] if len(text) >= 7 and text[4] == "-" and text[5].isdigit() else text

    def precedes(self, day: PartialDate) -> bool:
        """Whether a date still lies (at least partly) after the snapshot: a plan, not a fact."""
        return day.end > self.date.end


def one_line(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Text on one line, shortened with an ellipsis to fit the limit."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def dataset_source(dataset: Dataset, snapshot: Snapshot) -> Source:
    return {
        "title": f"Epoch AI, {dataset.title}",
        "url": dataset.url,
        "publisher": "Epoch AI",
        "published_on": snapshot.date.text,
    }


def link_sources(urls: list[str], title: str, published_on: str | None = None) -> list[Source]:
    """One source per URL of a row's link cells, all under the same title."""
    shown = one_line(title, TITLE_LIMIT)
    return [
        {"title": shown, "url": url, "publisher": None, "published_on": published_on}
        for url in urls
    ]


@dataclass
class RowEvents:
    """The events of one row, each with the row's own sources and then the dataset's."""

    dataset: Dataset
    snapshot: Snapshot
    sources: list[Source]
    events: list[CandidateEvent] = field(default_factory=list)

    def add(
        self,
        role: str,
        type: str,
        occurred_on: str,
        confidence: Confidence,
        summary: str,
        payload: dict[str, object],
        details: str | None = None,
        sources: list[Source] | None = None,
    ) -> None:
        own = self.sources if sources is None else sources
        event = CandidateEvent(
            role=role,
            type=type,
            occurred_on=occurred_on,
            confidence=confidence,
            summary=one_line(summary),
            payload={name: value for name, value in payload.items() if value is not None},
            sources=(*own, dataset_source(self.dataset, self.snapshot)),
            details=details,
        )
        self.events.append(event)

    def candidate(self, key: str, row: Row) -> Candidate:
        return Candidate(self.dataset.name, key, row.file, row.line, tuple(self.events))


@dataclass
class Outcomes:
    """Rows skipped and notes, gathered across the files of one read."""

    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def skip(self, row: Row, key: str, reason: str, detail: str) -> None:
        self.skipped.append(SkippedRow(row.file, row.line, key, reason, detail))

    def note(self, row: Row, key: str, topic: str, text: str) -> None:
        self.notes.append(Note(row.file, row.line, key, topic, text))


def whole(number: float | None) -> int | None:
    """H100e and chip counts are stored as whole numbers (halves round up)."""
    return None if number is None else int(number + 0.5)


def megawatts(number: float | None) -> float | None:
    """Power to the kilowatt: more digits are float noise in Epoch's computed columns."""
    return None if number is None else round(number, 3)


def figures(capacity_mw: float | None, h100e: int | None) -> str:
    """`200,000 H100e and 280.28 MW`, leaving out what is unknown."""
    parts = []
    if h100e is not None:
        parts.append(f"{h100e:,} H100e")
    if capacity_mw is not None:
        parts.append(f"{capacity_mw:,.10g} MW")
    return " and ".join(parts) if parts else "an undisclosed size"


def possessive(owner: str, name: str) -> str:
    """`Tesla Cortex Phase 1` for a name that starts with its owner's, else `Meta AI's RSC-1`."""
    return name if _starts_with(name, owner) else f"{owner}'s {name}"


def without_maker(maker: str, name: str) -> str:
    """`H100 SXM5 80GB` for NVIDIA's `NVIDIA H100 SXM5 80GB`: the maker is said once."""
    return (
        name[len(maker) :].strip() if _starts_with(name, maker) and len(name) > len(maker) else name
    )


def _starts_with(name: str, prefix: str) -> bool:
    return fold_name(name).startswith(fold_name(prefix) + " ") or fold_name(name) == fold_name(
        prefix
    )
