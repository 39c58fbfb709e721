"""The reconciler: each row of a snapshot set against the log and appended through the one write
path, row by row (a row's events stand or fall together: `LogWriter.append_group`).

Rows go in the order their events need each other: chips, then models (trained on chips), then
clusters and data centres (built with chips). A key an analyst corrected by hand (an event
without origin voided one of its events) is settled: listed, never derived again. What a
snapshot no longer says is retracted as `retractions.py` tells: an event a kept row no longer
gives, with the row's other events; keys an earlier import derived that this snapshot no longer
has are listed, and retracted with `--retract-missing`. `--register-unknown` registers before
any row is read (`registration.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stackline.adapters.epoch import Candidate, EpochReading, EventRef
from stackline.adapters.epoch.tables import TIMELINES_TABLE
from stackline.domain.catalog import REGISTRY
from stackline.domain.catalog.registry import resolved_asset_names
from stackline.domain.dates import PartialDate
from stackline.domain.documents import parse_event
from stackline.domain.errors import StacklineError
from stackline.domain.records import RETRACTION
from stackline.domain.units import asset_key
from stackline.services.datasets import retractions
from stackline.services.datasets.log_view import KnownAsset, LogView
from stackline.services.datasets.registration import ORGANIZATIONS, register_unknown
from stackline.services.datasets.report import DatasetReport, FileReport, RowNote
from stackline.services.datasets.retractions import live_facts, retraction
from stackline.services.datasets.rows import Built, RowBuilder, Unresolved
from stackline.services.datasets.sync import canonical_payload, event_id, same, slot
from stackline.store.reads.datasets import DatasetEvent
from stackline.store.writer import LogWriter

# Chips first (models are trained on them, facilities built with them), then models, then data
# centres (clusters on the same site attach to them), then clusters.
ORDER = ("epoch-ai/ml-hardware", "epoch-ai/notable-ai-models", "epoch-ai/data-centers",
         "epoch-ai/gpu-clusters")  # fmt: skip
_EXPANSION_ROW = re.compile(r"^expansion-(\d+)$")


@dataclass
class RowSync:
    """A row's events set against what earlier imports derived from its key."""

    documents: list[dict[str, Any]] = field(default_factory=list)  # to write: new or corrected
    answered: set[str] = field(default_factory=set)  # stored events it keeps or corrects
    launches: set[str] = field(default_factory=set)  # the types of the launches the row gives


class Reconciler:
    ORGANIZATIONS = ORGANIZATIONS  # registrations of `--register-unknown`

    def __init__(
        self, reading: EpochReading, log: LogView, writer: LogWriter, report: DatasetReport,
        options: Any, recorded_by: str,
    ) -> None:  # fmt: skip
        self.reading, self.log, self.writer, self.report = reading, log, writer, report
        self.options, self.recorded_by = options, recorded_by
        self.snapshot = reading.snapshot.text
        self.rows = RowBuilder(log, self.snapshot, writer.state.holds_asset)
        self.seen: set[tuple[str, str]] = set()  # the keys this snapshot has

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        if self.options.register_unknown:
            register_unknown(self.reading, self.log, self.writer, self.report, self.recorded_by)
        for dataset in ORDER:
            for candidate in _launches_first(self.reading.candidates_of(dataset)):
                self._row(candidate)
                if progress is not None:
                    progress(1)
        self._missing()

    # --- one row ----------------------------------------------------------------------------
    def _row(self, candidate: Candidate) -> None:
        file = self.report.file_of(candidate.dataset, candidate.file.name)
        note = _noter(candidate)
        # Every key the row gives is in this snapshot: a data centre's and each of its timeline
        # rows' (`centre (row n)`), so a timeline row no longer there is missing (DESIGN §9.7).
        keys = [candidate.key, *(self._origin_key(candidate, e.role) for e in candidate.events)]
        self.seen.update((candidate.dataset, key) for key in keys)
        # A key an analyst settled is left alone before anything else: its hand correction
        # made the asset a curated one, which would otherwise be "matched" (and a conflict).
        settled = [k for k in dict.fromkeys(keys) if self._settled(candidate.dataset, k)]
        if settled:
            file.settled.extend(note(f"{k}: corrected by hand, not derived again") for k in settled)
            return
        try:
            built = self.rows.build(candidate)
        except Unresolved as unresolved:
            self.report.unresolved[unresolved.name].append(note(f"{unresolved.name} unresolved"))
            file.skipped.append(note(f"the organization {unresolved.name!r} names no company"))
            return
        self._tally(built, file, note)
        synced = self._synced(candidate, built, file)
        gone = self._no_longer_given(candidate, synced)
        # Retractions first: what the row no longer says goes before what it says instead (a
        # launch back to a plan is announced once the delivery it replaces is retracted).
        documents = [document for document, _ in gone] + synced.documents
        events = []
        try:
            events = [parse_event(document) for document in documents]
        except StacklineError as error:
            file.skipped.append(note(f"not a valid event: {error}"))
            return
        refused = self.writer.append_group(events, self.recorded_by)
        if refused is not None:
            file.skipped.append(note(f"breaks a rule: {refused}"))
            return
        self._count(documents, file)
        file.vanished.extend(note(f"{what}: no longer given, retracted") for _, what in gone)
        self._know_assets(synced.documents)

    def _tally(self, built: Built, file: FileReport, note: Callable[[str], RowNote]) -> None:
        if built.matched is not None:
            file.matched += 1
        file.conflicts.extend(note(text) for text in built.conflicts)
        for dropped in built.dropped:
            if dropped.user is not None:
                self.report.unresolved_users[dropped.user] += 1
            else:
                file.dropped.append(note(f"{dropped.role}: {dropped.why}"))
        self.report.same_group_users += built.same_group_users

    def _synced(self, candidate: Candidate, built: Built, file: FileReport) -> RowSync:
        """The row's documents with ids, origins and what they supersede; those unchanged left
        out (but answered for)."""
        ids: dict[str, str] = {}  # role → the id of the event standing for it
        slots: dict[str, str] = {}  # role → slot
        synced = RowSync()
        for role, document in built.documents:
            key = self._origin_key(candidate, role)
            stored = self.log.by_key.get((candidate.dataset, key), [])
            payload = document["payload"]
            reference = payload.get("partnership")
            if isinstance(reference, EventRef):
                if reference.role not in ids:
                    continue  # its partnership was left out
                payload["partnership"] = ids[reference.role]
            payload = canonical_payload(document["type"], payload)
            # As the write path will store it: an asset named by an alias under its own name.
            entry = REGISTRY[document["type"]]
            own_names = resolved_asset_names(entry, payload, self.writer.state.asset_name)
            document["payload"] = own_names if own_names is not None else payload
            target = slots.get(reference.role) if isinstance(reference, EventRef) else None
            slots[role] = slot(document["type"], document["payload"], target)
            live = self._live_slots(stored)
            old = live.get(slots[role]) or _announcement_overtaken(live, document)
            if old is not None and _announcement_stays(old, document, self.snapshot):
                document["occurred_on"] = old.occurred_on
            document["origin"] = {"dataset": candidate.dataset, "key": key,
                                  "snapshot": self.snapshot}  # fmt: skip
            if entry.launches:
                synced.launches.add(document["type"])
            if old is not None:
                synced.answered.add(old.id)
            if old is not None and same(
                [old.type, old.occurred_on, old.confidence, old.payload],
                [document["type"], document["occurred_on"], document["confidence"],
                 document["payload"]],
            ):  # fmt: skip
                ids[role] = old.id
                file.unchanged += 1
                continue
            supersedes = old.id if old is not None else None
            document["supersedes"] = supersedes
            # A row back after its events were retracted (missing from an earlier snapshot)
            # would get the retracted event's very id, taken: its id also names the last
            # voided event of its slot (ids of every other event stay as they were).
            revives = None if old is not None else self._voided_slots(stored).get(slots[role])
            document["id"] = event_id(
                candidate.dataset, key, document, supersedes, revives.id if revives else None
            )
            ids[role] = document["id"]
            synced.documents.append(document)
        return synced

    def _no_longer_given(
        self, candidate: Candidate, synced: RowSync
    ) -> list[tuple[dict[str, Any], str]]:
        """Retractions (and what each retracted stood for) of the events the row gave in an
        earlier snapshot and gives no more: its facts changed, as a changed fact supersedes."""
        stored = self.log.by_key.get((candidate.dataset, candidate.key), [])
        found = []
        for gone in retractions.no_longer_given(stored, synced.answered, synced.launches):
            what = retractions.described(gone)
            found.append((retraction(
                candidate.dataset, candidate.key, gone.id, self.snapshot,
                f"{candidate.key} in the {candidate.dataset} snapshot of {self.snapshot} no "
                f"longer gives {what}",
                f"Retracted: Epoch AI's snapshot of {self.snapshot} no longer gives {what} of "
                f"{candidate.key}",
            ), what))  # fmt: skip
        return found

    def _live_slots(self, stored: list[DatasetEvent]) -> dict[str, DatasetEvent]:
        return _slots(stored, voided=False)

    def _voided_slots(self, stored: list[DatasetEvent]) -> dict[str, DatasetEvent]:
        """The last voided event of each slot (`stored` is in `seq` order)."""
        return _slots(stored, voided=True)

    def _settled(self, dataset: str, key: str) -> bool:
        """Whether an analyst corrected or retracted one of the key's events by hand."""
        return any(event.voided_by_hand for event in self.log.by_key.get((dataset, key), []))

    def _origin_key(self, candidate: Candidate, role: str) -> str:
        """A row's key; a data centre's timeline row is a key of its own (the centre, its n-th
        row), so a re-dated row supersedes the row with the same n."""
        row = _EXPANSION_ROW.match(role)
        return f"{candidate.key} (row {row.group(1)})" if row else candidate.key

    def _count(self, documents: list[dict[str, Any]], file: FileReport) -> None:
        for document in documents:
            if document["type"] == RETRACTION:
                file.retracted += 1
            elif document.get("supersedes"):
                file.superseded += 1
            else:
                file.created += 1

    def _know_assets(self, documents: list[dict[str, Any]]) -> None:
        """The assets this row launched, for the rows after it (a model trained on a chip)."""
        for document in documents:
            entry, p = REGISTRY[document["type"]], document["payload"]
            if not entry.launches or entry.fixed_layer is None or entry.asset_field is None:
                continue
            layer, name = entry.fixed_layer.value, p[entry.asset_field]
            unit = "asset:" + asset_key(p["company"], layer, name)
            known = self.log.assets.by_unit.get(unit) or KnownAsset(
                unit, p["company"], layer, name, False
            )
            status = entry.status_of(p) or "available"
            known.launches.append((status, PartialDate.parse(document["occurred_on"]), False))
            self.log.assets.know(known, *(p.get("aliases") or ()))

    # --- keys gone ------------------------------------------------------------------------
    def _missing(self) -> None:
        read = {f.dataset for f in self.reading.files}
        for (dataset, key), stored in sorted(self.log.by_key.items()):
            if dataset not in read or (dataset, key) in self.seen:
                continue
            live = live_facts(stored)
            if not live:
                continue
            file = self._file_of_keys(dataset)
            file.missing.append(RowNote(file.file, 0, key, f"{len(live)} live events"))
            if self.options.retract_missing:
                self._retract(dataset, key, live, file)

    def _file_of_keys(self, dataset: str) -> FileReport:
        """The report of the file a dataset's keys come from: a data centre's, not the
        timelines' (which sort first)."""
        names = [f.path.name for f in self.reading.files
                 if f.dataset == dataset and f.table != TIMELINES_TABLE.name]  # fmt: skip
        return self.report.file_of(dataset, names[0] if names else None)

    def _retract(self, dataset: str, key: str, live: list[DatasetEvent], file: FileReport) -> None:
        reason = f"no longer in the {dataset} snapshot of {self.snapshot}"
        summary = f"Retracted: {key} is not in Epoch AI's snapshot of {self.snapshot}"
        documents = [
            retraction(dataset, key, event.id, self.snapshot, reason, summary) for event in live
        ]
        refused = self.writer.append_group([parse_event(d) for d in documents], self.recorded_by)
        if refused is None:
            file.retracted += len(documents)
        else:
            file.skipped.append(RowNote(file.file, 0, key, f"not retracted: {refused}"))


def _launches_first(candidates: tuple[Candidate, ...]) -> list[Candidate]:
    """Rows that launch their facility before rows that expand one (a phase may come before
    its root in the file), each group in file order."""
    launching: list[Candidate] = []
    others: list[Candidate] = []  # (one pass: a membership test of `launching` was quadratic)
    for candidate in candidates:
        launches = any(REGISTRY[e.type].launches for e in candidate.events)
        (launching if launches else others).append(candidate)
    return launching + others


def _announcement_stays(old: DatasetEvent, document: dict[str, Any], snapshot: str) -> bool:
    """An announcement derived from a snapshot keeps the month of the first snapshot that
    listed it (DESIGN §9.2: later snapshots keep that date)."""
    status = document["payload"].get("status")
    return bool(status == "announced" and document["occurred_on"] == snapshot[:7])


def _noter(candidate: Candidate) -> Callable[[str], RowNote]:
    def note(text: str) -> RowNote:
        return RowNote(candidate.file.name, candidate.line, candidate.key, text)

    return note


def _slots(stored: list[DatasetEvent], voided: bool) -> dict[str, DatasetEvent]:
    """The stored events of a key by slot: the live ones, or the voided ones (the last wins)."""
    by_id = {event.id: event for event in stored}
    found: dict[str, DatasetEvent] = {}
    for event in stored:
        if (event.voided_by is not None) != voided:
            continue
        target = by_id.get(str(event.payload.get("partnership")))
        target_slot = slot(target.type, target.payload) if target is not None else None
        found[slot(event.type, event.payload, target_slot)] = event
    return found


def _announcement_overtaken(
    live: dict[str, DatasetEvent], document: dict[str, Any]
) -> DatasetEvent | None:
    """The live announcement an available launch supersedes rather than follows: when the
    launch is dated on or before the announcement (a planned cluster whose first operational
    date, once known, precedes the snapshot month it was announced in; DESIGN §9.7)."""
    entry = REGISTRY[document["type"]]
    if not entry.launches or (entry.status_of(document["payload"]) or "available") != "available":
        return None
    announced = live.get(f"{document['type']}:announced")
    if announced is None:
        return None
    on = PartialDate.parse(document["occurred_on"]).start
    return announced if on <= PartialDate.parse(announced.occurred_on).start else None
