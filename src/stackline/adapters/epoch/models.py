"""Epoch AI's Notable AI Models file → `model.released` and the model's dependency edges.

By default only foundation models are read (§9.2.1): published on or after 2018-01-01 and a
frontier model, or trained with ≥ 1e23 FLOP, or with ≥ 1e10 parameters, or published on or
after 2023-01-01 by an organization categorized `Industry` (any of the row's) with `Language` or
`Multimodal` among its domains. The rest are counted (`FileRead.filtered_out`), not listed.

A model is released on its `Publication date` by the first `Organization`; the others are
`partners` (at most 20, the rest noted). `access`: any `Open weights …` → `open_weights`, or
`fully_open` when the training code is `Open source`; `Unreleased` → `unreleased`; anything else,
blank included → `closed`. The first `Base model` is `base_model` (its organization taken from
its own row in the file, when it has one); each further one is a `fine_tuned_from` dependency
(noted); each `Training hardware` chip is a `trained_on` dependency. Model rows are `confirmed`
(Epoch's `Confidence` is about compute estimates). Sources: the URLs of `Link`, titled by
`Reference`.

`organization_kinds` reads `Organization categorization` for `--register-unknown` (DESIGN §9.7):
the cell lists one category per organization of `Organization`, in the same order, so the two
lists are paired by position, and only when they are as long as each other (else no row tells
whose category is whose), except that a sole organization takes every category its row lists.
An organization is given a kind only when every row categorizes it alike and that category maps
one-to-one (`CATEGORY_KINDS`); a mix (`Industry` in one row, `Government` in another, or both in
one cell for a sole organization such as Saudi Aramco) or a category with no kind of its own
(`Research collective`) gives none, and registration falls back to `other`. Every row counts,
the foundation filter's rejects too: what an organization is does not depend on the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stackline.domain.dates import PartialDate
from stackline.domain.values import fold_name

from .cells import clean_name
from .events import Outcomes, RowEvents, Snapshot, link_sources
from .reading import AssetRef, Candidate, Org
from .rows import LoadedFile, Row
from .tables import MODELS

PARTNER_LIMIT = 20
FOUNDATION_SINCE = date(2018, 1, 1)
RECENT_SINCE = date(2023, 1, 1)
LARGE_COMPUTE_FLOP = 1e23
LARGE_PARAMETERS = 1e10
GENERAL_DOMAINS = frozenset({"language", "multimodal"})
# Epoch's `Organization categorization` (folded) → a company `kind`, where it maps one-to-one.
CATEGORY_KINDS = {"industry": "other", "academia": "academic", "government": "government"}


@dataclass(frozen=True, slots=True)
class ModelRow:
    """The cells of a model row that the adapter reads, parsed."""

    name: str
    organizations: list[str]
    published: PartialDate | None
    frontier: bool
    compute_flop: float | None
    parameters: float | None
    domains: frozenset[str]
    categories: frozenset[str]

    @classmethod
    def parse(cls, row: Row) -> ModelRow:
        return cls(
            name=row.name("Model"),
            organizations=row.names("Organization"),
            published=row.date("Publication date"),
            frontier=row.flag("Frontier model"),
            compute_flop=row.number("Training compute (FLOP)"),
            parameters=row.number("Parameters"),
            domains=frozenset(fold_name(d) for d in row.names("Domain")),
            categories=frozenset(fold_name(c) for c in row.names("Organization categorization")),
        )

    def is_foundation(self) -> bool:
        if self.published is None or self.published.start < FOUNDATION_SINCE:
            return False
        return (
            self.frontier
            or (self.compute_flop or 0) >= LARGE_COMPUTE_FLOP
            or (self.parameters or 0) >= LARGE_PARAMETERS
            or (
                self.published.start >= RECENT_SINCE
                and "industry" in self.categories
                and bool(self.domains & GENERAL_DOMAINS)
            )
        )


def model_candidates(
    file: LoadedFile, snapshot: Snapshot, outcomes: Outcomes, all_models: bool
) -> tuple[list[Candidate], int]:
    """The candidates of the rows kept, and how many rows the foundation filter left out."""
    parsed = [(key, row, ModelRow.parse(row)) for key, row in file.keyed()]
    makers = {fold_name(m.name): m.organizations[0] for _, _, m in parsed if m.organizations}
    candidates, filtered_out = [], 0
    for key, row, model in parsed:
        if not all_models and not model.is_foundation():
            filtered_out += 1
        elif not model.organizations:
            outcomes.skip(row, key, "no organization", "the row names no Organization")
        elif model.published is None:
            outcomes.skip(row, key, "no publication date", "the row has no Publication date")
        else:
            events = _model_events(row, key, model, model.published, makers, snapshot, outcomes)
            candidates.append(events.candidate(key, row))
    return candidates, filtered_out


def organization_kinds(file: LoadedFile) -> dict[str, str]:
    """Folded organization name → the company kind its categorization gives (see the module's
    docstring), for the organizations every row categorizes alike with a mapped category."""
    categories: dict[str, set[str]] = {}
    for row in file.rows:
        organizations = _cell_list(row.text("Organization"))
        categorized = [fold_name(c) for c in _cell_list(row.text("Organization categorization"))]
        if len(organizations) == 1 and categorized:
            pairs = [(organizations[0], category) for category in categorized]
        elif len(organizations) == len(categorized):
            pairs = list(zip(organizations, categorized, strict=True))
        else:
            continue
        for organization, category in pairs:
            categories.setdefault(fold_name(organization), set()).add(category)
    kinds: dict[str, str] = {}
    for organization, found in categories.items():
        if len(found) == 1 and (only := next(iter(found))) in CATEGORY_KINDS:
            kinds[organization] = CATEGORY_KINDS[only]
    return kinds


def _cell_list(text: str) -> list[str]:
    """A comma list as it stands, blanks left out but repeats kept (their positions count)."""
    return [name for part in text.split(",") if (name := clean_name(part))]


def _model_events(
    row: Row,
    key: str,
    model: ModelRow,
    published: PartialDate,
    makers: dict[str, str],
    snapshot: Snapshot,
    outcomes: Outcomes,
) -> RowEvents:
    title = row.name("Reference") or f"{model.name}, reference"
    sources = link_sources(row.urls("Link"), title, published.text)
    events = RowEvents(MODELS, snapshot, sources)
    maker = Org(model.organizations[0], "organization")
    bases = [_model_ref(base, makers) for base in row.names("Base model")]
    access = _access(row)
    payload: dict[str, object] = {
        "company": maker,
        "model": model.name,
        "access": access,
        "base_model": bases[0] if bases else None,
        "partners": _partners(row, key, model, outcomes),
        "status": "available",
    }
    summary = f"{maker.name} {_RELEASE_WORDS[access].format(model=model.name)}"
    events.add("available", "model.released", published.text, "confirmed", summary, payload)
    this = AssetRef("model", model.name, maker)
    for base in bases[1:]:
        outcomes.note(row, key, "further base model", f"{base.name}: a fine_tuned_from edge")
        _edge(events, published, this, base, "fine_tuned_from", "is fine-tuned from")
    for chip in row.names("Training hardware"):
        chip_ref = AssetRef("hardware", chip, None)
        _edge(events, published, this, chip_ref, "trained_on", "is trained on")
    return events


_RELEASE_WORDS = {
    "open_weights": "releases {model} with open weights",
    "fully_open": "releases {model} with open weights and open training code",
    "unreleased": "reports {model}, kept unreleased",
    "closed": "releases {model}",
}


def _access(row: Row) -> str:
    offered = row.text("Model accessibility").casefold()
    if "open weights" in offered:
        code_open = row.text("Training code accessibility").casefold() == "open source"
        return "fully_open" if code_open else "open_weights"
    return "unreleased" if offered == "unreleased" else "closed"


def _partners(row: Row, key: str, model: ModelRow, outcomes: Outcomes) -> list[Org] | None:
    others = model.organizations[1:]
    if len(others) > PARTNER_LIMIT:
        rest = ", ".join(others[PARTNER_LIMIT:])
        outcomes.note(row, key, "more than 20 partners", f"left out: {rest}")
    return [Org(name, "organization") for name in others[:PARTNER_LIMIT]] or None


def _model_ref(name: str, makers: dict[str, str]) -> AssetRef:
    maker = makers.get(fold_name(name))
    return AssetRef("model", name, None if maker is None else Org(maker, "organization"))


def _edge(
    events: RowEvents, on: PartialDate, this: AssetRef, other: AssetRef, kind: str, verb: str
) -> None:
    payload: dict[str, object] = {"from": this, "on": other, "kind": kind, "status": "active"}
    role = f"{kind}:{fold_name(other.name)}"
    summary = f"{this.name} {verb} {other.name}"
    events.add(role, "dependency.formed", on.text, "confirmed", summary, payload)
