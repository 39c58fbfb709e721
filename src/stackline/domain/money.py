"""Money as people write and read it: `50B`, `$1.25 B per month`, `€500M` in, `$50B total,
estimated` out.

`parse_money` turns what an editor types into the fields of `values.Money`; `describe_money`
is the one way every page, feed, slide and CSV note shows an amount. Exponents (`5e10`) and
other spellings a reader could misjudge by orders of magnitude are refused with an example.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

SCALES = {
    "": 1,
    "k": 10**3, "thousand": 10**3,
    "m": 10**6, "mn": 10**6, "mm": 10**6, "million": 10**6,
    "b": 10**9, "bn": 10**9, "billion": 10**9,
    "t": 10**12, "tn": 10**12, "trillion": 10**12,
}  # fmt: skip
SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
CURRENCY_SIGNS = {code: sign for sign, code in SYMBOLS.items()}
BASES = {
    "total": "total", "in total": "total",
    "per month": "per_month", "a month": "per_month", "/month": "per_month", "/mo": "per_month",
    "monthly": "per_month", "per mo": "per_month",
    "per year": "per_year", "a year": "per_year", "/year": "per_year", "/yr": "per_year",
    "yearly": "per_year", "annually": "per_year", "per annum": "per_year",
}  # fmt: skip
BASIS_WORDS = {"total": "total", "per_month": "per month", "per_year": "per year"}

_MONEY = re.compile(
    r"""^\s*
    (?P<sign>[$€£¥])?\s*
    (?P<code>(?-i:[A-Z]{3})\s+)?
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*
    (?P<scale>(?:thousand|million|billion|trillion|bn|mn|mm|tn|[kmbt])(?![a-z]))?\.?\s*
    (?P<code_after>(?-i:[A-Z]{3})(?![A-Za-z]))?\s*
    (?P<basis>.*?)\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
MAX_TEXT = 64
EXAMPLE = "write it like 50B, $1.25 B per month, 500M EUR or 2,000,000"


class MoneyTextError(ValueError):
    """Text that is not an amount of money; the message says how to write one."""


def parse_money(text: str, currency: str | None = None) -> dict[str, Any]:
    """`"1.25 B per month"` → `{"amount": 1250000000, "basis": "per_month"}`, with `currency`
    when the text names one (a sign or an ISO code). Raises `MoneyTextError` in words."""
    if len(text) > MAX_TEXT:
        raise MoneyTextError(f"too long for an amount; {EXAMPLE}")
    text = " ".join(text.split())  # one space between words: the pattern never backtracks far
    if re.search(r"\d[eE][+-]?\d", text):
        raise MoneyTextError(f"exponents are not accepted; {EXAMPLE}")
    found = _MONEY.match(text)
    if found is None:
        raise MoneyTextError(f"not an amount of money; {EXAMPLE}")
    basis_text = " ".join(found["basis"].lower().split())
    if basis_text and basis_text not in BASES:
        raise MoneyTextError(
            f"“{found['basis']}” is not a basis; end with “per month”, “per year” or nothing"
        )
    try:
        number = Decimal(found["number"].replace(",", ""))
    except InvalidOperation as error:  # the pattern admits only digits, so this cannot happen
        raise MoneyTextError(f"not a number; {EXAMPLE}") from error
    amount = number * SCALES[(found["scale"] or "").lower()]
    result: dict[str, Any] = {
        "amount": int(amount) if amount == amount.to_integral_value() else float(amount)
    }
    codes = {SYMBOLS[found["sign"]]} if found["sign"] else set()
    for written in (found["code"], found["code_after"]):
        if written:
            codes.add(written.strip().upper())
    if len(codes) > 1:
        raise MoneyTextError("two different currencies; give one")
    if codes:
        result["currency"] = codes.pop()
    elif currency:
        result["currency"] = currency
    if basis_text:
        result["basis"] = BASES[basis_text]
    return result


def describe_money(money: dict[str, Any] | None) -> str:
    """`{"amount": 5e10, "currency": "USD", "estimated": true}` → `$50B total, estimated`."""
    if not money:
        return ""
    currency = money.get("currency", "USD")
    sign = CURRENCY_SIGNS.get(currency)
    figure = short_amount(float(money["amount"]))
    text = f"{sign}{figure}" if sign else f"{figure} {currency}"
    text += " " + BASIS_WORDS[money.get("basis", "total")]
    if money.get("estimated"):
        text += ", estimated"
    return text


def short_amount(amount: float) -> str:
    """1_250_000_000 → `1.25B`; 40_000_000 → `40M`; 900 → `900`: at most three decimals."""
    for suffix, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if amount >= scale:
            return _trim(amount / scale) + suffix
    return _trim(amount)


def editable_amount(amount: float) -> str:
    """An amount as an editor would type it, exactly: 1_250_000_000 → `1.25B`, 1_234_567 →
    `1,234,567` (no suffix gives it in three decimals); `parse_money` reads it back unchanged."""
    exact = Decimal(str(amount))
    for suffix, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        scaled = exact / scale
        if 1 <= scaled < 1000 and scaled == scaled.quantize(Decimal("0.001")):
            return _trim(float(scaled)) + suffix
    return f"{exact:,f}".rstrip("0").rstrip(".") if "." in f"{exact:f}" else f"{exact:,f}"


def _trim(value: float) -> str:
    return f"{value:,.3f}".rstrip("0").rstrip(".")
