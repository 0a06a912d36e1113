"""Scalars: money as an exact decimal string, rates in percent, calendar dates (SPEC §9).

Input is read strictly, in ASCII: Python's ``Decimal`` and ``date.fromisoformat`` also
accept "1e3", "1_000", Arabic-Indic digits, "2026-W01" or "20260101", none of which a
person means as an amount or a date here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from domain.money import ONE_CENT, round_cent

# At most 12 digits before the point: beyond, no amount is plausible (the business
# rules refuse more than 100 000 000 € with a clearer message).
MONEY_PATTERN = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,2})?")
RATE_PATTERN = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,10})?")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Dates outside this range are refused: no account event is older or that far ahead.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)


def _parse_decimal(value: object, scalar: str, pattern: re.Pattern[str], example: str) -> Decimal:
    # Floats would carry binary rounding: amounts travel as strings or integers.
    # ValueError lets graphql-core name the argument or variable path in its message.
    if isinstance(value, bool | float):
        raise ValueError(
            f'{scalar} : donnez un texte comme "{example}" ou un entier, pas un flottant'
        )
    text = str(value) if isinstance(value, int) else value
    if not isinstance(text, str) or pattern.fullmatch(text) is None:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
        raise ValueError(f'{scalar} : nombre décimal attendu, comme "{example}" (reçu {shown})')
    return Decimal(text)


def _parse_date(value: object) -> date:
    if not isinstance(value, str) or DATE_PATTERN.fullmatch(value) is None:
        raise ValueError('Date : date AAAA-MM-JJ attendue, comme "2026-03-31"')
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"Date : {value} n'existe pas au calendrier") from None
    if not DATE_MIN <= parsed <= DATE_MAX:
        raise ValueError(f"Date : entre {DATE_MIN.isoformat()} et {DATE_MAX.isoformat()}")
    return parsed


def _serialize_money(value: Decimal) -> str:
    return str(round_cent(Decimal(value)))


def _serialize_rate(value: Decimal) -> str:
    # The value's own precision is what is shown (at least two decimals): whoever builds a
    # rate quantizes it once, and nothing here takes decimals away again.
    rate = Decimal(value)
    exponent = rate.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        rate = rate.quantize(ONE_CENT)
    return format(rate, "f")


Money = NewType("Money", Decimal)
Rate = NewType("Rate", Decimal)

MONEY_SCALAR = strawberry.scalar(
    name="Decimal",
    description=(
        "An amount in euros, exact: serialized as a string with exactly two decimals "
        '("1234.50"). Input: a string of ASCII digits with an optional minus sign and at '
        'most two decimals after a point ("1234.5", "-12", at most 12 digits before the '
        'point), or an integer; floats, exponents ("1e3"), separators ("1_000") and a '
        'trailing point ("1.") are refused.'
    ),
    serialize=_serialize_money,
    parse_value=lambda value: _parse_decimal(value, "Decimal", MONEY_PATTERN, "1234.56"),
)

RATE_SCALAR = strawberry.scalar(
    name="Pourcentage",
    description=(
        'A rate in percent, exact, as a string: "6.70" means 6.70 %. At least two '
        "decimals; progressive rates keep every decimal they have."
    ),
    serialize=_serialize_rate,
    parse_value=lambda value: _parse_decimal(value, "Pourcentage", RATE_PATTERN, "6.70"),
)

DATE_SCALAR = strawberry.scalar(
    name="Date",
    description=(
        'A calendar day, ISO 8601 `YYYY-MM-DD` in ASCII digits ("2026-03-31"), between '
        '1900-01-01 and 2100-12-31. Week dates ("2026-W01") and compact forms are refused.'
    ),
    serialize=date.isoformat,
    parse_value=_parse_date,
)

#: Passed to ``StrawberryConfig(scalar_map=...)`` by the schema assembly.
SCALAR_MAP: dict[object, ScalarDefinition] = {
    Money: MONEY_SCALAR,
    Rate: RATE_SCALAR,
    date: DATE_SCALAR,
}
