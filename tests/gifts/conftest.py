from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.gifts import GiftCampaignFactory, GiftItemFactory, stock
from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory


@pytest.fixture
def umbrella(supervisor):
    """G-UMB-01 折叠伞 39.00, 100 units counted in."""
    return stock(GiftItemFactory(code="G-UMB-01", name="折叠伞", unit_value=Decimal("39.00")), 100, user=supervisor)


@pytest.fixture
def campaign(umbrella):
    """The acceptance campaign: 500.00 of clothing → 1 umbrella."""
    return GiftCampaignFactory(code="C-2026-12", gift_item=umbrella, min_spend=Decimal("500.00"), categories=["clothing"])


@pytest.fixture
def make_receipt():
    """`make_receipt(lines=[("clothing", "1200.00", 1), …], days_ago=0, side="dept")`."""

    def make(*, lines=(("clothing", "1200.00", 1),), days_ago: int = 0, side: str = "dept", card: str = "",
             number: str | None = None):
        import datetime as dt

        at = timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0) - dt.timedelta(days=days_ago)
        total = sum((Decimal(p) * q for _c, p, q in lines), Decimal("0.00"))
        extra = {"number": number} if number else {}
        receipt = ReceiptFactory(rung_at=at, side=side, total=total, card_number=card, **extra)
        for no, (category, price, qty) in enumerate(lines, start=1):
            ReceiptLineFactory(receipt=receipt, line_no=no, category=category, unit_price=Decimal(price),
                               list_price=Decimal(price), quantity=qty, counter=f"C-2F-0{no}")
        return receipt

    return make
