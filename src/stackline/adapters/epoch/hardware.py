"""Epoch AI's Machine Learning Hardware file → one `chip.launched` per chip.

A chip is launched by its `Manufacturer`, `available` on its `Release date`; without a release
date it is `announced` in the snapshot's month (with the release date as `target_on` when that
lies after the snapshot). Its sources are the URLs of `Link to datasheet`.
A row without a manufacturer is skipped.
"""

from __future__ import annotations

from .events import Outcomes, RowEvents, Snapshot, link_sources, without_maker
from .reading import Candidate, Org
from .rows import LoadedFile


def hardware_candidates(
    file: LoadedFile, snapshot: Snapshot, outcomes: Outcomes
) -> list[Candidate]:
    candidates = []
    for key, row in file.keyed():
        released = row.date("Release date")
        maker = row.name("Manufacturer")
        if not maker:
            outcomes.skip(row, key, "no manufacturer", "the row names no Manufacturer")
            continue
        chip = row.name("Hardware name")
        sources = link_sources(row.urls("Link to datasheet"), f"{chip} datasheet")
        events = RowEvents(file.table.dataset, snapshot, sources)
        payload: dict[str, object] = {"company": Org(maker, "manufacturer"), "chip": chip}
        if released is None or snapshot.precedes(released):
            payload["status"] = "announced"
            payload["target_on"] = None if released is None else released.text
            summary = f"{maker} announces the {without_maker(maker, chip)}"
            events.add("launch", "chip.launched", snapshot.month, "confirmed", summary, payload)
        else:
            payload["status"] = "available"
            summary = f"{maker} releases the {without_maker(maker, chip)}"
            events.add("available", "chip.launched", released.text, "confirmed", summary, payload)
        candidates.append(events.candidate(key, row))
    return candidates
