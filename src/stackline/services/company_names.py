"""Which registered company a person means when they type one: a slug, a name or an alias, in
any case and spacing ("Anthropic", "anthropic", "ANTHROPIC", "Google DeepMind", "Alphabet").

A slug wins over a name, a current name over a former name or an alias; names and aliases are
compared folded (`fold_name`), as dataset spellings are. Text that names no company is
`UnknownCompany`, naming what was typed and suggesting the closest names.
"""

from __future__ import annotations

import difflib

from stackline.domain.errors import FieldProblem, UnknownCompany
from stackline.domain.values import fold_name
from stackline.store.reads import companies as company_reads
from stackline.store.reads.datasets import names_of_companies
from stackline.store.units_of_work import Reading

SUGGESTIONS = 3


def company_named(uow: Reading, text: str, field: str = "company") -> str:
    """The slug of the company `text` names (module docstring), or `UnknownCompany`."""
    typed = " ".join(text.split())
    if company_reads.is_registered(uow, typed.lower()):
        return typed.lower()
    current = {fold_name(name): slug for slug, name in company_reads.current_names(uow).items()}
    key = fold_name(typed)
    found = current.get(key) or names_of_companies(uow).get(key)
    if found is None:
        raise _unknown(typed, company_reads.current_names(uow), field)
    return found


def company_choices(uow: Reading) -> list[str]:
    """Every registered company's current name, for a form's list of suggestions."""
    return sorted(set(company_reads.current_names(uow).values()), key=str.casefold)


def _unknown(typed: str, names: dict[str, str], field: str) -> UnknownCompany:
    by_fold = {fold_name(name): name for name in names.values()}
    close = difflib.get_close_matches(fold_name(typed), list(by_fold), n=SUGGESTIONS, cutoff=0.6)
    hint = (
        "did you mean " + " or ".join(by_fold[key] for key in close) + "?"
        if close
        else "not the slug, name or alias of any registered company"
    )
    return UnknownCompany(f"no company is named {typed!r}", [FieldProblem(field, hint)])
