"""Money helpers: the one place where amounts are rounded.

Contribution lines are rounded to the euro, the fraction equal to 0.50 counting
for 1 (half up), as the official Urssaf simulator does (SPEC §3); instalments and
surcharges are kept to the cent, half up as well (SPEC §4).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE_EURO = Decimal(1)
ONE_CENT = Decimal("0.01")


def round_euro(amount: Decimal) -> Decimal:
    """Round to the whole euro, half up (0.50 → 1)."""
    return amount.quantize(ONE_EURO, rounding=ROUND_HALF_UP)


def round_cent(amount: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return amount.quantize(ONE_CENT, rounding=ROUND_HALF_UP)


def floor_cent(amount: Decimal) -> Decimal:
    """Round down (toward zero) to the cent: used when splitting an amount."""
    return amount.quantize(ONE_CENT, rounding=ROUND_DOWN)


def to_cents(amount: Decimal) -> int:
    """Exact conversion of a cent-precise amount to integer cents (storage format)."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Integer cents back to a ``Decimal`` with exactly two decimals."""
    return (Decimal(cents) / 100).quantize(ONE_CENT)
