import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.invoices import InvoiceBookFactory
from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory


def local(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def now():
    """A fixed 'now' in the middle of a month (store time): 2026-11-20 15:00."""
    return local(dt.date(2026, 11, 20), 15)


@pytest.fixture
def make_receipt(db):
    """`make_receipt(total="12000.00", rung_at=...)` → a one-line dept receipt."""

    def make(*, total="1200.00", rung_at=None, side="dept", number=None):
        rung_at = rung_at or local(dt.date(2026, 11, 18))
        kwargs = {"number": number} if number else {}
        receipt = ReceiptFactory(side=side, rung_at=rung_at, total=Decimal(total), **kwargs)
        ReceiptLineFactory(receipt=receipt, line_no=1, unit_price=Decimal(total), list_price=Decimal(total), quantity=1)
        return receipt

    return make


@pytest.fixture
def book(db):
    """The issue's book: 04400001–04400050, face limit 10,000.00."""
    return InvoiceBookFactory(code="B-2026-001", first_number="04400001", count=50, face_limit=Decimal("10000.00"))


def ref(receipt) -> tuple[str, str]:
    return (receipt.side, receipt.number)


class FakeFacts:
    """A receipt_facts provider for tests: `FakeFacts({receipt_pk: {"refunded": "300.00", "gifts": [...]}})`."""

    name = "test-fake-facts"

    def __init__(self, facts):
        self.facts = facts

    def for_receipts(self, *, receipts):
        return {r.pk: self.facts[r.pk] for r in receipts if r.pk in self.facts}
