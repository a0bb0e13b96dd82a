"""Demo return slips in every state of the chain, over receipts this module rings up itself (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from receipts.choices import ReceiptSource
from receipts.models import Receipt, ReceiptLine

from . import services
from .models import ReturnRequest

PREFIX = "D-DEMO-TH-"

# (receipt no, days ago, payment, lines [(category, description, counter, unit price, qty)], slip or None)
SCENARIOS = [
    ("001", 3, "wechat", [("clothing", "羊毛混纺大衣", "C-3F-12", "1280.00", 1)],
     {"reason": "change_of_mind", "steps": ["counter_check", "approve", "loss_prevention", "refund"]}),
    ("002", 5, "cash", [("clothing_summer", "真丝连衣裙", "C-2F-05", "268.00", 1)],
     {"reason": "change_of_mind", "steps": ["counter_check", "approve", "loss_prevention"]}),
    ("003", 10, "card", [("toys", "遥控越野车", "C-5F-02", "199.00", 1)],
     {"reason": "quality", "steps": ["counter_check", "approve"]}),
    ("004", 1, "alipay", [("cosmetics", "保湿精华液（未开封）", "C-1F-08", "420.00", 1)],
     {"reason": "change_of_mind", "steps": ["counter_check"]}),
    ("005", 2, "wechat", [("shoes_other", "跑步鞋", "C-4F-03", "459.00", 1)],
     {"reason": "staff_misleading", "salesperson": "赵敏", "steps": []}),
    ("006", 4, "cash", [("clothing", "羊绒围巾", "C-3F-01", "158.00", 2)],
     {"reason": "price_tag_misleading", "steps": ["counter_check"], "reject": "顾客改为换货，另开换货单"}),
    ("007", 20, "card", [("underwear", "纯棉内衣套装", "C-2F-09", "89.00", 1)], None),  # for trying R-RET-3
]


def _receipt(no: str, days_ago: int, payment: str, lines) -> Receipt:
    number = f"{PREFIX}{no}"
    existing = Receipt.objects.filter(side="dept", number=number).first()
    if existing:
        return existing
    rung = timezone.localtime().replace(hour=15, minute=20, second=0, microsecond=0) - timedelta(days=days_ago)
    total = sum((Decimal(price) * qty for *_x, price, qty in lines), Decimal("0.00"))
    receipt = Receipt.objects.create(side="dept", number=number, rung_at=rung, business_date=rung.date(),
                                     payment_method=payment, total=total, source=ReceiptSource.IMPORT)
    ReceiptLine.objects.bulk_create([
        ReceiptLine(receipt=receipt, line_no=i, sku=f"SKU{no}{i}", description=desc, counter=counter, category=cat,
                    list_price=Decimal(price), unit_price=Decimal(price), quantity=qty)
        for i, (cat, desc, counter, price, qty) in enumerate(lines, start=1)])
    return receipt


def load(*, stdout) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["clerk", "counter_staff", "dept_supervisor", "ops_manager", "loss_prevention", "cashier"])}
    signers = {"counter_check": "counter_staff", "loss_prevention": "loss_prevention", "refund": "cashier"}
    made = 0
    for no, days_ago, payment, lines, spec in SCENARIOS:
        receipt = _receipt(no, days_ago, payment, lines)
        if spec is None or ReturnRequest.objects.filter(receipt=receipt).exists():
            continue
        rr = services.return_create(
            side="dept", number=receipt.number, lines=[{"line_no": 1, "quantity": lines[0][4]}], reason=spec["reason"],
            condition={"tags_intact": True, "unused": True, "opened": False}, user=users["clerk"],
            responsible_salesperson=spec.get("salesperson", ""))
        for step in spec["steps"]:
            if step == "approve":
                who = users["dept_supervisor" if rr.approval_level == "dept_supervisor" else "ops_manager"]
            else:
                who = users[signers[step]]
            rr = services.return_sign(return_request=rr, step=step, user=who)
        if spec.get("reject"):
            approver = users["dept_supervisor" if rr.approval_level == "dept_supervisor" else "ops_manager"]
            rr = services.return_reject(return_request=rr, user=approver, reason=spec["reject"])
        made += 1
    stdout.write(f"returns: {made} demo slips")
