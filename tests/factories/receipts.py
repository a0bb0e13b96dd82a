from decimal import Decimal

import factory
from django.utils import timezone

from receipts.models import Receipt, ReceiptLine


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receipt

    side = "dept"
    number = factory.Sequence(lambda n: f"D20261123-{n:06d}")
    rung_at = factory.LazyFunction(timezone.now)
    business_date = factory.LazyAttribute(lambda o: timezone.localdate(o.rung_at))
    card_number = ""
    payment_method = "cash"
    total = Decimal("0.00")


class ReceiptLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceiptLine

    receipt = factory.SubFactory(ReceiptFactory)
    line_no = factory.Sequence(lambda n: n + 1)
    sku = factory.Sequence(lambda n: f"SKU{n:05d}")
    description = "Wool coat"
    counter = "C-2F-07"
    category = "clothing"
    list_price = Decimal("1200.00")
    unit_price = Decimal("1200.00")
    quantity = 1
