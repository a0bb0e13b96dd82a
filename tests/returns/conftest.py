from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory
from tests.factories.returns import ReturnPolicyFactory


@pytest.fixture
def policy(db):
    return ReturnPolicyFactory()


@pytest.fixture
def make_receipt(policy):
    """`make_receipt(days_ago=3, lines=[("clothing", "200.00", 2), …], card="")` → a receipt rung that many
    store-local days ago at 11:00."""

    def make(*, days_ago: int = 0, lines=(("clothing", "200.00", 1),), card: str = "", payment_method: str = "wechat",
             side: str = "dept"):
        local = timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
        total = sum((Decimal(price) * qty for _c, price, qty in lines), Decimal("0.00"))
        receipt = ReceiptFactory(rung_at=local, card_number=card, payment_method=payment_method, total=total,
                                 side=side)
        for no, (category, price, qty) in enumerate(lines, start=1):
            ReceiptLineFactory(receipt=receipt, line_no=no, category=category, unit_price=Decimal(price),
                               list_price=Decimal(price), quantity=qty, description="羊毛大衣", counter=f"C-2F-0{no}")
        return receipt

    return make


@pytest.fixture
def chain_users(user_in_role):
    """Four different people along the chain, plus the desk clerk who fills the slip."""
    return {
        "clerk": user_in_role("clerk"),
        "counter_staff": user_in_role("counter_staff"),
        "dept_supervisor": user_in_role("dept_supervisor"),
        "ops_manager": user_in_role("ops_manager"),
        "loss_prevention": user_in_role("loss_prevention"),
        "cashier": user_in_role("cashier"),
    }


def body(receipt, lines=((1, 1),), reason="change_of_mind", **extra) -> dict:
    data = {"receipt": {"side": receipt.side, "number": receipt.number},
            "lines": [{"line_no": no, "quantity": qty} for no, qty in lines], "reason": reason,
            "condition": {"tags_intact": True, "unused": True, "opened": False}, "quality_report_ref": None,
            "current_unit_price": None}
    data.update(extra)
    return data
