"""Money helpers: CNY as Decimal with two places, rounded ROUND_HALF_UP once, in services."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money_field(**kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", 12)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)


def quantize(amount: Decimal | int | str) -> Decimal:
    """Round to the cent, half up (the store's rounding unless a rule says otherwise)."""
    if isinstance(amount, float):
        raise TypeError("money must not be a float")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(amount: Decimal) -> str:
    """The API's money format: a string with two decimals."""
    return f"{quantize(amount):.2f}"
