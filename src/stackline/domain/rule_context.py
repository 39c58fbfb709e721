"""What the §2 rules may ask of the log: the narrow interface the store's rule context answers.

The store answers from its tables, inside the append transaction, overlaid with the events the
write has accepted so far (`store/log_state.py`); tests answer from plain lists.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from uuid import UUID

from stackline.domain.dates import PartialDate


class RuleContext(Protocol):
    def founding(self, slug: str) -> PartialDate | None:
        """The founding date of a registered company (None when not registered)."""

    def find(self, event_id: UUID) -> Any:
        """The stored (or pending) event with this id, as a model, or None."""

    def is_voided(self, event_id: UUID) -> bool: ...

    def earliest_reference(self, slug: str) -> date | None:
        """The effective date of the earliest live event, other than registrations, naming slug."""

    def parent_chain(self, slug: str, on: date) -> list[str]:
        """The owners above `slug` on a day, nearest first."""

    def ever_ancestors(self, slug: str) -> set[str]:
        """Every company that owned `slug`, or an owner of it, on some day."""

    def ownership_change_dates(self, slugs: set[str], after: date) -> list[date]: ...

    def followed_by(self, target: UUID, event_type: str) -> bool:
        """Whether a live event of `event_type` acts on `target` (ends it, activates it, …)."""

    def acquired_since(self, acquirer: str, target: str, since: date) -> bool:
        """Whether a live acquisition.completed of `target` by `acquirer` is dated `since` or later."""

    def holds_asset(self, company: str, layer: str, asset: str, on: date) -> bool:
        """Whether the company holds the named asset (launched, not retired) on the day."""

    def live_version(self, event_id: UUID) -> tuple[Any, list[str]]:
        """The live event an earlier one stands for now — itself, or the correction that
        superseded it, through the chain — with the ids of the chain (None: retracted)."""

    def company_named(self, name: str) -> str | None:
        """The company whose name, or one of whose aliases, folds to `name`'s folded form."""

    def asset_named(self, company: str, layer: str, name: str) -> str | None:
        """The unit of the company's asset in `layer` named, or aliased, `name` (folded)."""
