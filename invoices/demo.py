"""Demo data of the invoices desk: two books, invoices written today from walk-in receipts (one of them
split over two numbers at the face limit), a void, and a blank invoice reported lost with its notice
clock running (idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import InvoiceBook


def load(*, stdout) -> None:
    from receipts.services import receipt_ingest

    if InvoiceBook.objects.filter(code="B-2026-001").exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["clerk", "desk_supervisor", "finance"])}
    clerk, supervisor, finance = users["clerk"], users["desk_supervisor"], users["finance"]
    services.invoice_book_receive(code="B-2026-001", first_number="04400001", count=50, face_limit=Decimal("10000.00"),
                                  user=finance, received_by=supervisor, note="万元版 手工发票")
    services.invoice_book_receive(code="B-2026-002", first_number="04400051", count=50, face_limit=Decimal("1000.00"),
                                  user=finance, received_by=supervisor, note="千元版 手工发票")
    now = timezone.now()
    local = timezone.localtime(now)
    start = max(local.replace(hour=9, minute=30, second=0, microsecond=0), local.replace(day=1, hour=0, minute=5))
    goods = [("羊毛大衣", "clothing", "C-2F-07", "1280.00", 1), ("蚕丝被", "bedding", "C-6F-01", "1580.00", 2),
             ("足金手链", "jewellery", "C-1F-01", "6000.00", 2), ("保湿精华液", "cosmetics", "C-1F-03", "590.00", 1),
             ("跑步鞋", "sports", "C-5F-01", "659.00", 1), ("西湖龙井", "tea", "C-B1-02", "680.00", 3)]
    receipts = []
    for n, (name, category, counter, price, qty) in enumerate(goods):
        at = min(start + dt.timedelta(minutes=7 * n), now)
        unit = Decimal(price)
        data = {"side": "dept", "number": f"D-INV-{at:%Y%m%d}-{n:03d}", "rung_at": at, "card_number": None,
                "payment_method": "card", "total": unit * qty,
                "lines": [{"line_no": 1, "sku": f"69{n:05d}", "description": name, "counter": counter,
                           "category": category, "list_price": unit, "unit_price": unit, "quantity": qty,
                           "bulk_discount": False, "fresh": False}]}
        receipt_ingest(data=data, now=at)
        receipts.append(("dept", data["number"]))
    buyers = ["北京华联商贸有限公司", "张伟", "北京市朝阳区第一中学", "李娜", "中关村科技发展有限公司", "王芳"]
    issued = []
    for n, ref in enumerate(receipts):
        amount = Decimal("10000.00") if n == 2 else None  # 12,000.00 over a 10,000.00 face limit: two numbers
        issued.append(services.invoice_issue(receipts=[ref], buyer=buyers[n], user=clerk, amount=amount,
                                             tax_id="91110105MA01ABCD2X" if n in (0, 4) else None))
    services.invoice_issue(receipts=[receipts[2]], buyer=buyers[2], user=clerk)  # the remaining 2,000.00
    services.invoice_void(invoice=issued[1], reason="抬头写错，顾客要求重开", user=supervisor)
    services.invoice_issue(receipts=[receipts[1]], buyer="张伟（个人）", user=clerk)
    loss = services.invoice_loss_report(book="B-2026-002", numbers=["04400098", "04400099"],
                                        reason="交接班清点时发现两份空白发票缺失", user=clerk)
    services.invoice_loss_sign(loss=loss, user=supervisor)
    stdout.write("invoices: 2 books, 8 invoices (1 void), 1 loss of 2 blank invoices awaiting its public notice")
