"""Which events a list, an export or a feed asks for: one filter, read the same everywhere.

`from`/`to` bound the effective date inclusively: a period given for `from` means its first
day, for `to` its last day, so `from=2024&to=2024` is the whole of 2024 in the CLI, the pages
and the API alike (one parser, `services.parameters`, builds every `EventFilter`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

EventOrder = Literal["seq", "date", "-date"]


@dataclass(frozen=True)
class EventFilter:
    company: str | None = None
    layer: str | None = None
    types: tuple[str, ...] = ()
    from_day: date | None = None
    to_day: date | None = None
    q: str | None = None
    include_voided: bool = False
    include_subsidiaries: bool = False  # with `company`: events of the companies it owned then
    origin: str | None = None  # a dataset prefix (`epoch-ai`, `epoch-ai/gpu-clusters`) or `none`

    def as_dict(self) -> dict[str, Any]:
        """The filter as an export document records it."""
        return {
            "company": self.company,
            "layer": self.layer,
            "types": list(self.types),
            "from": self.from_day.isoformat() if self.from_day else None,
            "to": self.to_day.isoformat() if self.to_day else None,
            "q": self.q,
            "include_voided": self.include_voided,
            **({"include_subsidiaries": True} if self.include_subsidiaries else {}),
            **({"origin": self.origin} if self.origin else {}),
        }
