"""How many examples a property test draws: its usual count, scaled by the Hypothesis profile.

`deterministic` (the default) draws the usual count, the same examples every run; `quick` (the
inner loop, `make test-quick`) a tenth of it; `explore` (`make test-explore`) four times as many,
fresh each run. A test states its usual count once: `@settings(max_examples=examples(25))`.
"""

from __future__ import annotations

import os

from hypothesis import settings

SCALE = {"quick": 0.1, "explore": 4.0}


def examples(usual: int) -> int:
    profile = getattr(settings, "_current_profile", None) or "deterministic"
    scaled = int(usual * SCALE.get(profile, 1.0))
    override = os.environ.get("STACKLINE_PROPERTY_EXAMPLES")  # one count for every property test
    return int(override) if override else max(2, scaled)
