"""`bom=1`: a CSV answer that begins with a UTF-8 byte order mark, for spreadsheets.

Excel opens a CSV file without one as the system's legacy code page, so `Nvidia — Jalapeño`
turns into mojibake; with the mark it reads UTF-8. Python's `csv` module and pandas read
either (`encoding="utf-8-sig"` drops the mark), so the plain answer stays the default.

The query models of the operations that answer CSV gain the parameter here (so the
OpenAPI document describes it), each a subclass of its model in `params`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from stackline.web.api.params import (
    CapacityQuery,
    CompanyCapacityQuery,
    EventsQuery,
    ExportQuery,
    IndustryDiffQuery,
    IntegrationQuery,
    MatrixQuery,
)

BOM = "\ufeff"
_SPELLINGS = {"1": True, "true": True, "0": False, "false": False}


def _flag(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in _SPELLINGS:
        return _SPELLINGS[value]
    raise ValueError("must be 1 or 0 (or true or false)")


ByteOrderMark = Annotated[
    bool,
    BeforeValidator(_flag),
    WithJsonSchema({"type": "string", "enum": list(_SPELLINGS)}),
]


class _WithByteOrderMark(BaseModel):
    bom: ByteOrderMark | SkipJsonSchema[None] = Field(
        default=None,
        description="With format=csv: begin with a UTF-8 byte order mark (U+FEFF), so that "
        "spreadsheet programs read the text as UTF-8; default 0",
    )

    @property
    def marked(self) -> bool:
        return bool(self.bom)


class EventsCsvQuery(EventsQuery, _WithByteOrderMark):
    pass


class MatrixCsvQuery(MatrixQuery, _WithByteOrderMark):
    pass


class IndustryDiffCsvQuery(IndustryDiffQuery, _WithByteOrderMark):
    pass


class IntegrationCsvQuery(IntegrationQuery, _WithByteOrderMark):
    pass


class ExportCsvQuery(ExportQuery, _WithByteOrderMark):
    pass


class CompanyCapacityCsvQuery(CompanyCapacityQuery, _WithByteOrderMark):
    pass


class CapacityCsvQuery(CapacityQuery, _WithByteOrderMark):
    pass


def marked(chunks: Iterable[str], wanted: bool) -> Iterator[str]:
    """A CSV answer's text, the mark first when `wanted`."""
    return chain([BOM] if wanted else [], chunks)
