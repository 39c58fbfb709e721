"""Hostile inputs shared by the hostile-input suites: injection strings, unicode control
characters, oversized values, and hypothesis strategies for any text and any JSON."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

SQL = [
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5) --",
    "%' OR 1=1 --",
    "' UNION SELECT password_hash FROM users --",
    "\\'; DELETE FROM api_tokens; --",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</title><svg onload=alert(1)>",
    "{{ 7*7 }} {% raw %}",
    "${7*7} #{7*7}",
]
PATHS = ["../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "..\\..\\win.ini"]
UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth\ufeff",
    "\x1b[31mred\x1b[0m",  # a terminal escape
    "bell\x07tab\tcr\rlf\n",
    "line\u2028separator\u2029",
    "\U0001d54f\U0001f916 é\u0301",
    "Set-Cookie: a=b\r\nX: y",
]
INJECTIONS = SQL + MARKUP + PATHS + UNICODE
ONE_MEGABYTE = "A" * 1_000_000

# Lone surrogates included: a browser cannot send them, an attacker's JSON can.
ANY_CHARACTER = st.characters(exclude_categories=())
ANY_TEXT = st.text(ANY_CHARACTER, max_size=60)
HUGE_TEXT = st.builds(
    lambda piece, times: piece * times, st.text(ANY_CHARACTER, min_size=1, max_size=8),
    st.integers(1_000, 150_000),
)  # fmt: skip
HOSTILE_TEXT = st.one_of(ANY_TEXT, st.sampled_from(INJECTIONS), HUGE_TEXT)
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), HOSTILE_TEXT,
    st.integers(min_value=10**20, max_value=10**400),
)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, picked in proportion to its weight (`one_of` merges duplicates)."""
    slots = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(range(len(slots))).flatmap(lambda index: slots[index])
