from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from returns.models import ReturnLine, ReturnPolicy, ReturnRequest
from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory
from tests.factories.servicedesk import StaffUserFactory


class ReturnPolicyFactory(factory.django.DjangoModelFactory):
    """The manual's defaults (as the data migration seeds them)."""

    class Meta:
        model = ReturnPolicy
        django_get_or_create = ["effective_from"]

    effective_from = date(2000, 1, 1)
    change_of_mind_days = factory.LazyFunction(lambda: {"clothing_summer": 7, "clothing": 15, "cosmetics": 7})
    quality_days = factory.LazyFunction(lambda: {"toys": 15, "shoes_leather": 60, "shoes_other": 30})
    excluded_categories = factory.LazyFunction(lambda: ["underwear", "jewellery", "watches_imported", "fur"])
    opened_excluded_categories = factory.LazyFunction(lambda: ["cosmetics"])
    high_value_unit_price = Decimal("2000.00")
    price_change_days = 15
    approval_threshold = Decimal("300.00")
    point_cash_value_dept = Decimal("0.0100")
    point_cash_value_market = Decimal("0.0400")


class ReturnRequestFactory(factory.django.DjangoModelFactory):
    """A slip awaiting the counter check, with one line over a fresh receipt line."""

    class Meta:
        model = ReturnRequest

    number = factory.Sequence(lambda n: f"TH20261123{n:06d}")
    receipt = factory.SubFactory(ReceiptFactory, total=Decimal("200.00"))
    policy = factory.SubFactory(ReturnPolicyFactory)
    reason = "change_of_mind"
    condition = factory.LazyFunction(lambda: {"tags_intact": True, "unused": True, "opened": False})
    rules = factory.LazyFunction(lambda: ["R-RET-5", "R-RET-8", "R-RET-11"])
    refund_amount = Decimal("200.00")
    approval_level = factory.LazyAttribute(lambda o: "dept_supervisor" if o.refund_amount <= 300 else "ops_manager")
    payment_method = "cash"
    created_by = factory.SubFactory(StaffUserFactory, role="clerk")
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def with_line(self, create, extracted, **kwargs):
        if create and extracted is not False:
            rl = ReceiptLineFactory(receipt=self.receipt, line_no=1, unit_price=self.refund_amount,
                                    list_price=self.refund_amount)
            ReturnLineFactory(return_request=self, receipt_line=rl, paid_unit_price=rl.unit_price,
                              refund_unit_price=rl.unit_price, refund_amount=self.refund_amount)


class ReturnLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnLine

    return_request = factory.SubFactory(ReturnRequestFactory, with_line=False)
    receipt_line = factory.SubFactory(ReceiptLineFactory)
    quantity = 1
    paid_unit_price = Decimal("200.00")
    refund_unit_price = Decimal("200.00")
    refund_amount = Decimal("200.00")
    rules = factory.LazyFunction(lambda: ["R-RET-5", "R-RET-8"])
