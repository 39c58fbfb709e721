"""The rules an event must pass to be appended (DESIGN §2), checked against the log's state.

The rules every event passes are here (its date, the companies it names, what it voids, what it
acts on, its `ends_on`); each type adds its own in its registry entry (`catalog/`). All are pure:
the store supplies a `RuleContext` answering from its tables, inside the append transaction,
after the effects of any event the new one voids have been withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

from stackline.domain.catalog import REGISTRY
from stackline.domain.errors import FieldProblem, InvalidEvent
from stackline.domain.events import EventBase, company_fields
from stackline.domain.rule_context import RuleContext


def voided_by(event: EventBase) -> UUID | None:
    """The earlier event this one voids: a retraction's target, or the event it supersedes."""
    if REGISTRY[event.type].voids_by_payload:
        target: UUID = event.payload.event
        return target
    return event.supersedes


def check_voiding(event: EventBase, context: RuleContext) -> None:
    """Check the event this one would void; run before that event's effects are withdrawn."""
    target = voided_by(event)
    if target is None:
        return
    path = "payload.event" if REGISTRY[event.type].voids_by_payload else "supersedes"
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


def check_append(event: EventBase, context: RuleContext, recorded_on: date) -> None:
    """Raise `InvalidEvent` (422) listing every broken rule, or return when the event may go in."""
    problems = list(_problems(event, context, recorded_on))
    if problems:
        raise InvalidEvent(f"{event.type} event breaks {len(problems)} rule(s)", problems)


def _problems(event: EventBase, context: RuleContext, recorded_on: date) -> Iterator[FieldProblem]:
    if event.occurred_on.start > recorded_on:
        yield FieldProblem(
            "occurred_on",
            f"starts after today ({recorded_on}); record plans as announcements with target_on",
        )
    entry = REGISTRY[event.type]
    yield from _check_companies(event, context)
    yield from _check_follow_up(event, context)
    fields = entry.payload.model_fields
    ends = event.payload.ends_on if "ends_on" in fields else None
    if ends is not None and ends.start < event.occurred_on.start:
        yield FieldProblem("payload.ends_on", "must not start before the event itself")
    target = event.payload.target_on if "target_on" in fields else None
    sealed = event.schema_version  # rules new at version 3 hold from it (old logs import)
    if target is not None and target.end < event.occurred_on.start and (sealed or 3) >= 3:
        yield FieldProblem(
            "payload.target_on", f"ends before the announcement ({event.occurred_on}) starts"
        )
    for rule in entry.rules:
        yield from rule(event, context)


def _check_companies(event: EventBase, context: RuleContext) -> Iterator[FieldProblem]:
    registers = REGISTRY[event.type].registers
    registering = getattr(event.payload, registers) if registers else None
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


def _check_follow_up(event: EventBase, context: RuleContext) -> Iterator[FieldProblem]:
    """An event acting on an earlier one (activating or ending a partnership, ending a
    dependency, abandoning an acquisition) needs that event live, of the right type, not
    already finished, and not dated after it."""
    entry = REGISTRY[event.type]
    rule, field = entry.follows, entry.target_field
    if rule is None or field is None:
        return
    path = f"payload.{field}"
    target_id: UUID = getattr(event.payload, field)
    named: Any = context.find(target_id)
    article = "an" if rule.noun[0] in "aeiou" else "a"
    if named is None or named.type != rule.target_type:
        yield FieldProblem(
            path, f"not {article} {rule.noun}: no {rule.target_type} event {target_id}"
        )
        return
    # An event aimed at a corrected one acts on the correction (DESIGN §9.7).
    target, chain = context.live_version(target_id)
    if target is None:
        yield FieldProblem(path, f"the {rule.noun} was retracted")
        return
    if target.type != rule.target_type:
        yield FieldProblem(path, f"the {rule.noun} was corrected into a {target.type} event")
        return
    for finished in rule.finished_by:
        if any(context.followed_by(UUID(link), finished) for link in chain):
            yield FieldProblem(path, f"the {rule.noun} is already {finished.rsplit('.', 1)[1]}")
            return
    if event.occurred_on.start < target.occurred_on.start:
        yield FieldProblem("occurred_on", f"the {rule.noun} dates from {target.occurred_on}")
        return
    if rule.check is not None:
        yield from rule.check(event, target, context)


def _check_target(
    path: str, target_id: UUID, context: RuleContext, voiding: EventBase
) -> Iterator[FieldProblem]:
    target: Any = context.find(target_id)
    if target is None:
        yield FieldProblem(path, f"no event {target_id}")
    elif REGISTRY[target.type].voids_by_payload:
        yield FieldProblem(path, "a retraction cannot be retracted or superseded")
    elif context.is_voided(target_id):
        yield FieldProblem(path, f"event {target_id} is already voided")
    elif (registers := REGISTRY[target.type].registers) and not _registers_again(
        voiding, target, registers
    ):
        slug = getattr(target.payload, registers)
        if context.earliest_reference(slug) is not None:
            yield FieldProblem(path, f"live events still name {slug!r}; void those first")


def _registers_again(voiding: EventBase, registration: Any, field: str) -> bool:
    """A correction that registers the same company again keeps the events naming it valid."""
    same: bool = voiding.type == registration.type and getattr(voiding.payload, field) == getattr(
        registration.payload, field
    )
    return same
