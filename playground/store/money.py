"""Money in the database: whole picodollars (10^-12 USD) in an integer column, exact on SQLite and PostgreSQL.

SQLite has no decimal type (its NUMERIC is a float), so sums and budget checks run on integers in both databases.
A price of $0.075 per million tokens is 75,000 picodollars per token, so every catalogue cost is exact; the exact
``Cost`` of each reply is also kept as decimal strings beside it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

PICO = Decimal(10) ** 12


def to_pico(amount: Decimal) -> int:
    """``amount`` USD as whole picodollars (half up)."""
    return int((amount * PICO).to_integral_value(rounding=ROUND_HALF_UP))


def from_pico(value: int | None) -> Decimal:
    """Whole picodollars as USD (0 for None), normalised without an exponent."""
    amount = Decimal(value or 0) / PICO
    return amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()


class Money(TypeDecorator[Decimal]):
    """A ``Decimal`` USD amount stored as an integer count of picodollars."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return to_pico(value if isinstance(value, Decimal) else Decimal(str(value)))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else from_pico(int(value))
