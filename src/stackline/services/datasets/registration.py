"""`--register-unknown`: the owners, organizations and makers no company is named or aliased by,
registered before any row is read (DESIGN §9.2 Organizations, §9.7).

Each is registered at the year of the earliest row naming it in an owning role, `speculative`,
with `details` saying the founding date is not in the dataset; its kind is the one its
`Organization categorization` maps to one-to-one (the adapter's `EpochReading.kind_of`: Academia
→ academic, Government → government, Industry → other), else `other`; its slug is derived from
the name, and a slug already taken is listed, never registered. Users are never registered.
"""

from __future__ import annotations

import re

from stackline.adapters.epoch import EpochReading, Org
from stackline.domain.documents import parse_event
from stackline.domain.values import fold_name
from stackline.services.datasets.log_view import LogView
from stackline.services.datasets.report import DatasetReport, RowNote
from stackline.services.datasets.retractions import dataset_source
from stackline.services.datasets.rows import OWNING_ROLES
from stackline.services.datasets.sync import event_id
from stackline.store.writer import LogWriter

ORGANIZATIONS = "epoch-ai/organizations"  # the origin of the registrations


def register_unknown(
    reading: EpochReading, log: LogView, writer: LogWriter, report: DatasetReport,
    recorded_by: str,
) -> None:  # fmt: skip
    """Register every organization the rows name in an owning role that no company is named or
    aliased by (each alone through the one write path: one refused leaves the others)."""
    snapshot = reading.snapshot.text
    for name, year in sorted(_earliest_years(reading, log).items()):
        slug = slug_of(name)
        if not slug or writer.state.founding(slug) is not None:
            report.unresolved[name].append(RowNote("", 0, name, f"slug {slug!r} taken"))
            continue
        document = {
            "type": "company.registered", "occurred_on": str(year),
            "summary": f"{name} first appears in Epoch AI's data"[:200],
            "details": "The founding date is not in the dataset: dated the first year "
            "Epoch AI's data names it.",
            "confidence": "speculative",
            "sources": [dataset_source(ORGANIZATIONS, snapshot)],
            "payload": {"company": slug, "name": name, "kind": reading.kind_of(name)},
            "origin": {"dataset": ORGANIZATIONS, "key": name, "snapshot": snapshot},
        }  # fmt: skip
        document["id"] = event_id(ORGANIZATIONS, name, document, None)
        if writer.append_group([parse_event(document)], recorded_by) is None:
            log.names[fold_name(name)] = slug
            report.registered.append(slug)


def _earliest_years(reading: EpochReading, log: LogView) -> dict[str, int]:
    """Each unresolved organization named in an owning role, and the year it is first named."""
    earliest: dict[str, int] = {}
    for candidate in reading.candidates:
        for event in candidate.events:
            for org in _orgs(event.payload):
                if org.role in OWNING_ROLES and log.company(org.name) is None:
                    year = int(event.occurred_on[:4])
                    earliest[org.name] = min(year, earliest.get(org.name, year))
    return earliest


def _orgs(payload: dict[str, object]) -> list[Org]:
    found: list[Org] = []
    for value in payload.values():
        values = value if isinstance(value, list) else [value]
        found.extend(v for v in values if isinstance(v, Org))
    return found


def slug_of(name: str) -> str:
    """A company slug derived from a name: `New York University (NYU)` → `new-york-university-nyu`."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:63].strip("-")
