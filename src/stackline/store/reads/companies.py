"""Companies as lists read them: who exists on a day, with names and parents, in a few queries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from stackline.domain.dates import PartialDate
from stackline.domain.footprint import CompanyFacts
from stackline.store.tables import PROJECTIONS, companies, company_names, ownership_links
from stackline.store.temporal import on_day
from stackline.store.units_of_work import Reading

END_OF_TIME = date(2100, 12, 31)


def names_on(uow: Reading, day: date) -> dict[str, str]:
    """Every company's name on `day`, in one query."""
    query = select(company_names.c.company, company_names.c.name).where(on_day(company_names, day))
    return {row.company: row.name for row in uow.connection.execute(query)}


def parents_on(uow: Reading, day: date) -> dict[str, str]:
    """Every company's owner on `day`, in one query."""
    query = select(ownership_links.c.target, ownership_links.c.acquirer).where(
        on_day(ownership_links, day)
    )
    return {row.target: row.acquirer for row in uow.connection.execute(query)}


def companies_on(uow: Reading, day: date) -> list[CompanyFacts]:
    """The companies that exist on `day`, by slug, with their name and parent then."""
    names, parents = names_on(uow, day), parents_on(uow, day)
    rows = uow.connection.execute(
        select(companies.c.slug, companies.c.kind, companies.c.founded_on)
        .where(companies.c.founded_start <= day)
        .order_by(companies.c.slug)
    )
    return [
        CompanyFacts(
            row.slug,
            names.get(row.slug, row.slug),
            row.kind,
            PartialDate.parse(row.founded_on),
            parents.get(row.slug),
        )
        for row in rows
    ]


# Names and registrations as they stand now, even in a reading as known on a past moment: a
# page names companies as they are called today, and a company registered since is still one
# (its stack then is empty) rather than an unknown slug.
_NAMES = PROJECTIONS["company_names"].versions
_COMPANIES = PROJECTIONS["companies"].versions


def current_names(uow: Reading) -> dict[str, str]:
    """Every registered company's latest name (memoised for the unit of work)."""
    if "current_names" not in uow.memo:
        query = select(_NAMES.c.company, _NAMES.c.name).where(
            _NAMES.c.known_until.is_(None), on_day(_NAMES, END_OF_TIME)
        )
        uow.memo["current_names"] = {row.company: row.name for row in uow.connection.execute(query)}
    names: dict[str, str] = uow.memo["current_names"]
    return names


def was_registered(uow: Reading, slug: str) -> bool:
    """Whether a registration names `slug` in the projections the reading sees (as known on its
    moment, if it has one)."""
    return (
        uow.connection.scalar(select(companies.c.slug).where(companies.c.slug == slug)) is not None
    )


def is_registered(uow: Reading, slug: str) -> bool:
    """Whether a registration names `slug` (as the log stands now)."""
    query = select(_COMPANIES.c.slug).where(
        _COMPANIES.c.slug == slug, _COMPANIES.c.known_until.is_(None)
    )
    return uow.connection.scalar(query) is not None
