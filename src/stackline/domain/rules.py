"""The rules an event must pass to be appended (DESIGN §2), checked against the log's state.

`check_append` is pure: the store supplies a `RuleContext` answering from its tables, inside the
append transaction, after the effects of any event the new one voids have been withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Protocol
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.errors import FieldProblem, InvalidEvent
from stackline.domain.events import (
    AcquisitionCompleted,
    AssetRetired,
    CompanyRegistered,
    DependencyFormed,
    Event,
    EventRetracted,
    PartnershipFormed,
    company_fields,
)
from stackline.domain.follow_up_rules import follow_up_problems
from stackline.domain.values import Layer, fold_name


class RuleContext(Protocol):
    def founding(self, slug: str) -> PartialDate | None:
        """The founding date of a registered company (None when not registered)."""

    def find(self, event_id: UUID) -> Event | None: ...

    def is_voided(self, event_id: UUID) -> bool: ...

    def earliest_reference(self, slug: str) -> date | None:
        """The effective date of the earliest live event, other than registrations, naming slug."""

    def parent_chain(self, slug: str, on: date) -> list[str]: ...

    def ever_ancestors(self, slug: str) -> set[str]: ...

    def ownership_change_dates(self, slugs: set[str], after: date) -> list[date]: ...

    def followed_by(self, target: UUID, event_type: str) -> bool:
        """Whether a live event of `event_type` acts on `target` (ends it, activates it, …)."""

    def acquired_since(self, acquirer: str, target: str, since: date) -> bool:
        """Whether a live acquisition.completed of `target` by `acquirer` is dated `since` or later."""

    def holds_asset(self, company: str, layer: Layer, asset_key: str, on: date) -> bool: ...


def voided_by(event: Event) -> UUID | None:
    """The earlier event this one voids: a retraction's target, or the event it supersedes."""
    if isinstance(event, EventRetracted):
        return event.payload.event
    return event.supersedes


def check_voiding(event: Event, context: RuleContext) -> None:
    """Check the event this one would void; run before that event's effects are withdrawn."""
    target = voided_by(event)
    if target is None:
        return
    path = "payload.event" if isinstance(event, EventRetracted) else "supersedes"
    problems = list(_check_target(path, target, context, event))
    if problems:
        raise InvalidEvent(f"{event.type} event cannot void {target}", problems)


def parent_chain(parent_on: Callable[[str, date], str | None], slug: str, on: date) -> list[str]:
    """The owners above `slug` on a day, nearest first (stopping at a cycle)."""
    chain: list[str] = []
    parent = parent_on(slug, on)
    while parent is not None and parent not in chain and parent != slug:
        chain.append(parent)
        parent = parent_on(parent, on)
    return chain


def check_append(event: Event, context: RuleContext, recorded_on: date) -> None:
    """Raise `InvalidEvent` (422) listing every broken rule, or return when the event may go in."""
    problems = list(_problems(event, context, recorded_on))
    if problems:
        raise InvalidEvent(f"{event.type} event breaks {len(problems)} rule(s)", problems)


def _problems(event: Event, context: RuleContext, recorded_on: date) -> Iterator[FieldProblem]:
    if event.occurred_on.start > recorded_on:
        yield FieldProblem(
            "occurred_on",
            f"starts after today ({recorded_on}); record plans as announcements with target_on",
        )
    yield from _check_companies(event, context)
    yield from follow_up_problems(event, context)
    if isinstance(event, CompanyRegistered):
        if context.founding(event.payload.company) is not None:
            yield FieldProblem(
                "payload.company", f"{event.payload.company!r} is already registered"
            )
        else:
            first = context.earliest_reference(event.payload.company)
            if first is not None and first < event.occurred_on.start:
                yield FieldProblem("occurred_on", f"events name this company from {first}")
    elif isinstance(event, AcquisitionCompleted):
        yield from _check_cycle(event, context)
    elif isinstance(event, PartnershipFormed | DependencyFormed):
        ends = event.payload.ends_on
        if ends is not None and ends.start < event.occurred_on.start:
            yield FieldProblem("payload.ends_on", "must not start before the event itself")
    if isinstance(event, DependencyFormed):
        yield from _check_dependency_assets(event, context)
    elif isinstance(event, AssetRetired):
        p = event.payload
        if not context.holds_asset(p.company, p.layer, fold_name(p.asset), event.occurred_on.start):
            yield FieldProblem(
                "payload.asset",
                f"{p.company!r} holds no {p.layer.value} asset {p.asset!r} on {event.occurred_on.start}",
            )


def _check_companies(event: Event, context: RuleContext) -> Iterator[FieldProblem]:
    registering = event.payload.company if isinstance(event, CompanyRegistered) else None
    for path, slug in company_fields(event):
        if slug == registering:
            continue
        founded = context.founding(slug)
        if founded is None:
            yield FieldProblem(path, f"{slug!r} is not a registered company")
        elif event.occurred_on.start < founded.start:
            yield FieldProblem(
                path, f"{slug!r} was founded on {founded}, after {event.occurred_on}"
            )


def _check_target(
    path: str, target_id: UUID, context: RuleContext, voiding: Event
) -> Iterator[FieldProblem]:
    target = context.find(target_id)
    if target is None:
        yield FieldProblem(path, f"no event {target_id}")
    elif isinstance(target, EventRetracted):
        yield FieldProblem(path, "a retraction cannot be retracted or superseded")
    elif context.is_voided(target_id):
        yield FieldProblem(path, f"event {target_id} is already voided")
    elif isinstance(target, CompanyRegistered) and not _registers_again(voiding, target):
        first = context.earliest_reference(target.payload.company)
        if first is not None:
            yield FieldProblem(
                path, f"live events still name {target.payload.company!r}; void those first"
            )


def _check_cycle(event: AcquisitionCompleted, context: RuleContext) -> Iterator[FieldProblem]:
    """Refuse a link that makes the target its own owner on its date or any later one."""
    acquirer, target = event.payload.acquirer, event.payload.target
    ancestors = context.ever_ancestors(acquirer)
    if target not in ancestors:
        return
    start = event.occurred_on.start
    for day in [start, *context.ownership_change_dates(ancestors | {acquirer}, start)]:
        if target in context.parent_chain(acquirer, day):
            yield FieldProblem(
                "payload.target", f"{target!r} owns {acquirer!r} on {day}: an ownership cycle"
            )
            return


def _check_dependency_assets(
    event: DependencyFormed, context: RuleContext
) -> Iterator[FieldProblem]:
    """Both assets must exist (launched, not retired) on the dependency's date."""
    day = event.occurred_on.start
    for side, ref in (("from", event.payload.from_), ("on", event.payload.on)):
        if not context.holds_asset(ref.company, ref.layer, fold_name(ref.asset), day):
            yield FieldProblem(
                f"payload.{side}.asset",
                f"{ref.company!r} has no {ref.layer.value} asset {ref.asset!r} on {day}",
            )


def _registers_again(voiding: Event, registration: CompanyRegistered) -> bool:
    """A correction that registers the same company again keeps the events naming it valid."""
    return (
        isinstance(voiding, CompanyRegistered)
        and voiding.payload.company == registration.payload.company
    )
