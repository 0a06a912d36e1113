"""Scalars: money as an exact decimal string, rates in percent (SPEC §9)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from domain.money import ONE_CENT, round_cent


def _parse_decimal(value: object, scalar: str) -> Decimal:
    # Floats would carry binary rounding: amounts travel as strings or integers.
    # ValueError lets graphql-core name the argument or variable path in its message.
    if isinstance(value, bool | float):
        raise ValueError(
            f'{scalar} : donnez un texte comme "1234.56" ou un entier, pas un flottant'
        )
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(
            f'{scalar} : nombre décimal attendu, comme "1234.56" (reçu {value!r})'
        ) from None
    if not parsed.is_finite():
        raise ValueError(f"{scalar} : nombre fini attendu")
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
        '("1234.50"). Input accepts a string ("1234.5") or an integer; floats are refused.'
    ),
    serialize=_serialize_money,
    parse_value=lambda value: _parse_decimal(value, "Decimal"),
)

RATE_SCALAR = strawberry.scalar(
    name="Pourcentage",
    description=(
        'A rate in percent, exact, as a string: "6.70" means 6.70 %. At least two '
        "decimals; progressive rates keep every decimal they have."
    ),
    serialize=_serialize_rate,
    parse_value=lambda value: _parse_decimal(value, "Pourcentage"),
)

#: Passed to ``StrawberryConfig(scalar_map=...)`` by the schema assembly.
SCALAR_MAP: dict[object, ScalarDefinition] = {Money: MONEY_SCALAR, Rate: RATE_SCALAR}
