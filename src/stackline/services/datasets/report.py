"""The plan (a dry run) or report of a dataset import: per file, what its rows became, and why.

Counts and lists are plain data (the `/datasets` page and `GET /api/v1/datasets` show a run's
report as it was recorded); `lines` writes it for the command line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

LISTED = 40  # entries of a list the command line prints (the API gives them all)


@dataclass
class RowNote:
    """A row (its file, line and key) and something about it, in words."""

    file: str
    line: int
    key: str
    text: str


@dataclass
class FileReport:
    file: str
    dataset: str
    sha256: str
    rows: int
    filtered_out: int = 0
    created: int = 0
    superseded: int = 0
    unchanged: int = 0
    retracted: int = 0
    matched: int = 0
    conflicts: list[RowNote] = field(default_factory=list)
    skipped: list[RowNote] = field(default_factory=list)
    dropped: list[RowNote] = field(default_factory=list)  # events left out of a row kept
    settled: list[RowNote] = field(default_factory=list)  # keys an analyst corrected by hand
    missing: list[RowNote] = field(default_factory=list)  # keys gone from this snapshot
    vanished: list[RowNote] = field(default_factory=list)  # events a kept row no longer gives
    notes: list[RowNote] = field(default_factory=list)  # what the adapter noted of rows kept

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows, "filtered_out": self.filtered_out, "created": self.created,
            "superseded": self.superseded, "unchanged": self.unchanged,
            "retracted": self.retracted, "matched": self.matched,
            "conflicts": len(self.conflicts), "skipped": len(self.skipped),
        }  # fmt: skip


@dataclass
class DatasetReport:
    dataset: str
    snapshot: str
    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    # Organizations no company is named or aliased by, with the rows naming them.
    unresolved: dict[str, list[RowNote]] = field(default_factory=lambda: defaultdict(list))
    unresolved_users: Counter[str] = field(default_factory=Counter)
    registered: list[str] = field(default_factory=list)  # slugs `--register-unknown` added
    same_group_users: int = 0  # users in the owner's ownership group: no partnership

    def file_of(self, dataset: str, name: str | None = None) -> FileReport:
        """The report of the file named (or the dataset's first file)."""
        found = [f for f in self.files if f.dataset == dataset]
        return next((f for f in found if f.file == name), found[0])

    @property
    def written(self) -> int:
        return sum(f.created + f.superseded + f.retracted for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "snapshot": self.snapshot,
            "dry_run": self.dry_run,
            "files": [{**asdict(f), "counts": f.counts()} for f in self.files],
            "unresolved": {
                name: [asdict(row) for row in rows] for name, rows in self.unresolved.items()
            },
            "unresolved_users": dict(self.unresolved_users),
            "registered": self.registered,
            "same_group_users": self.same_group_users,
        }

    def lines(self) -> list[str]:
        """The report in words, file by file (long lists cut at `LISTED`)."""
        verb = "would write" if self.dry_run else "wrote"
        found = [f"Epoch AI snapshot {self.snapshot}: {verb} {self.written} events."]
        for report in self.files:
            c = report.counts()
            found.append(
                f"{report.file} ({report.dataset}): {c['rows']} rows"
                + (f", {c['filtered_out']} left out by the filter" if c["filtered_out"] else "")
                + f"; {c['created']} created, {c['superseded']} superseded, {c['unchanged']} "
                f"unchanged, {c['retracted']} retracted, {c['matched']} matched, "
                f"{c['conflicts']} conflicts, {c['skipped']} skipped"
            )
            for title, notes in (("conflict", report.conflicts), ("skipped", report.skipped),
                                 ("left out", report.dropped), ("settled by hand", report.settled),
                                 ("missing", report.missing), ("no longer given", report.vanished),
                                 ("noted", report.notes)):  # fmt: skip
                found.extend(_listed(title, notes))
        if self.unresolved:
            found.append(f"Unresolved organizations ({len(self.unresolved)}):")
            for name, rows in sorted(self.unresolved.items(), key=lambda i: -len(i[1]))[:LISTED]:
                found.append(f"  {name}: {len(rows)} rows, e.g. {rows[0].file}:{rows[0].line}")
        if self.unresolved_users:
            shown = ", ".join(
                f"{name} ({n})" for name, n in self.unresolved_users.most_common(LISTED)
            )
            found.append(f"Users named by no company (no partnership): {shown}")
        if self.registered:
            found.append(f"Registered: {', '.join(self.registered)}")
        if self.same_group_users:
            found.append(
                f"{self.same_group_users} users are in the owner's ownership group: no partnership"
            )
        return found


def _listed(title: str, notes: list[RowNote]) -> list[str]:
    lines = [f"  {title}: {n.file}:{n.line} {n.key} — {n.text}" for n in notes[:LISTED]]
    if len(notes) > LISTED:
        lines.append(f"  … and {len(notes) - LISTED} more {title}")
    return lines
