"""Demo till receipts: a realistic month of walk-in receipts (no card) on both sides, through the feed
service so every receipt looks like one the tills sent. Members' own receipts come with members/demo.py."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from .models import Receipt

DEPT_GOODS = [
    ("clothing", "C-2F-07", "羊毛大衣", "1280.00"), ("clothing", "C-2F-08", "针织开衫", "468.00"),
    ("cosmetics", "C-1F-03", "保湿精华液", "590.00"), ("cosmetics", "C-1F-04", "口红", "320.00"),
    ("shoes_leather", "C-3F-01", "真皮短靴", "899.00"), ("children", "C-4F-02", "儿童羽绒服", "399.00"),
    ("sports", "C-5F-01", "跑步鞋", "659.00"), ("bedding", "C-6F-01", "蚕丝被", "1580.00"),
    ("jewellery", "C-1F-01", "足金手链", "4200.00"), ("tea", "C-B1-02", "西湖龙井", "680.00"),
    ("tobacco_alcohol", "C-B1-03", "茅台酒", "2899.00"), ("toys", "C-4F-05", "积木套装", "299.00"),
]
MARKET_GOODS = [
    ("grocery", "M-01", "金龙鱼食用油", "69.90", False), ("grocery", "M-02", "五常大米 5kg", "89.00", False),
    ("fresh", "M-10", "鲜猪肉", "36.50", True), ("fresh", "M-11", "时令蔬菜", "12.80", True),
    ("grocery", "M-03", "伊利纯牛奶整箱", "65.00", False), ("grocery", "M-04", "洗衣液", "45.90", False),
]
PAYMENTS = ["cash", "card", "wechat", "alipay"]


def receipt_lines(rng: random.Random, side: str) -> list[dict]:
    lines = []
    if side == "dept":
        for no, (category, counter, name, price) in enumerate(rng.sample(DEPT_GOODS, rng.randint(1, 3)), start=1):
            unit = Decimal(price)
            if rng.random() < 0.25:  # some lines sold at special price (below 80% of list)
                unit = (unit * Decimal("0.7")).quantize(Decimal("0.01"))
            lines.append({"line_no": no, "sku": f"{6900000 + no * 17 + len(name)}", "description": name, "counter": counter,
                          "category": category, "list_price": Decimal(price), "unit_price": unit,
                          "quantity": 1, "bulk_discount": rng.random() < 0.05, "fresh": False})
    else:
        for no, (category, counter, name, price, fresh) in enumerate(rng.sample(MARKET_GOODS, rng.randint(2, 5)), start=1):
            lines.append({"line_no": no, "sku": f"{6901000 + no}", "description": name, "counter": counter,
                          "category": category, "list_price": Decimal(price), "unit_price": Decimal(price),
                          "quantity": rng.randint(1, 3), "bulk_discount": False, "fresh": fresh})
    return lines


def receipt_data(rng: random.Random, *, side: str, number: str, rung_at: dt.datetime, card_number: str | None) -> dict:
    lines = receipt_lines(rng, side)
    return {"side": side, "number": number, "rung_at": rung_at, "card_number": card_number,
            "payment_method": rng.choice(PAYMENTS), "lines": lines,
            "total": sum((ln["unit_price"] * ln["quantity"] for ln in lines), Decimal("0.00"))}


def load(*, stdout) -> None:
    from .services import receipt_ingest

    if Receipt.objects.filter(number__startswith="D-DEMO-").exists():
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    count = 0
    for days_ago in range(30, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        for i in range(rng.randint(6, 12)):
            side = "dept" if rng.random() < 0.6 else "market"
            prefix = "D-DEMO-" if side == "dept" else "M-DEMO-"
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(10 + i % 11, rng.randint(0, 59))))
            at = min(at, timezone.now())
            receipt_ingest(data=receipt_data(rng, side=side, number=f"{prefix}{day:%Y%m%d}-{i:04d}", rung_at=at,
                                             card_number=None), now=at)
            count += 1
    stdout.write(f"receipts: {count} walk-in receipts over 31 days")
