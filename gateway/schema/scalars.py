"""Scalars: money as an exact decimal string, rates in percent (SPEC §9)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NewType

import strawberry
from graphql import GraphQLError

from domain.money import ONE_CENT, round_cent


def _parse_decimal(value: object, scalar: str) -> Decimal:
    # Floats would carry binary rounding: amounts travel as strings or integers.
    if isinstance(value, bool) or isinstance(value, float):
        raise GraphQLError(
            f"{scalar} must be a string such as \"1234.56\" or an integer, not a float",
            extensions={"code": "BAD_USER_INPUT"},
        )
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation:
        raise GraphQLError(
            f"{scalar} must be a decimal number such as \"1234.56\", got {value!r}",
            extensions={"code": "BAD_USER_INPUT"},
        ) from None
    if not parsed.is_finite():
        raise GraphQLError(f"{scalar} must be finite", extensions={"code": "BAD_USER_INPUT"})
    return parsed


def _serialize_money(value: Decimal) -> str:
    return str(round_cent(Decimal(value)))


def _serialize_rate(value: Decimal) -> str:
    rate = Decimal(value).normalize()
    return str(rate.quantize(ONE_CENT)) if rate == rate.quantize(ONE_CENT) else format(rate, "f")


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
SCALAR_MAP = {Money: MONEY_SCALAR, Rate: RATE_SCALAR}
