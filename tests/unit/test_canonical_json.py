"""The hash chain's canonical JSON is exactly what Python's `json` writes, whatever the value.

`canonical_json` takes a fast path (orjson) and falls back to `json` where the two differ; this
holds the result to the bytes the contract defines for arbitrary JSON values.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from stackline.domain.documents import canonical_json, python_canonical_json
from tests.examples import examples

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=examples(2000))
@given(JSON_VALUES)
def test_canonical_json_is_byte_for_byte_pythons_sorted_compact_json(value: Any) -> None:
    assert canonical_json(value) == python_canonical_json(value)


def test_floats_that_python_writes_with_an_exponent_keep_it() -> None:
    for value in (1e-05, 1.5e-05, -3.0e-5, 1e16, 1.2345678901234568e17, 5e-324):
        assert canonical_json({"x": value}) == python_canonical_json({"x": value})


def test_integers_beyond_64_bits_are_written_whole() -> None:
    assert canonical_json([2**64 + 1]) == b"[18446744073709551617]"
