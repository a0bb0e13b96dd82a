"""Demo members: gold and platinum card holders (Chinese names) enrolled from qualifying receipts, a month
of their receipts fed at the time they were rung (so points follow the rules), vouchers, a gift
redemption, a lost-card replacement, a promotion, last year's rebate run and today's birthday SMS."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from receipts.demo import receipt_data

from . import services
from .models import Card, PromotionRule

PEOPLE = [
    ("王芳", "13800138000", "北京市朝阳区建国路88号", "11010519491231002X", "gold"),
    ("李娜", "13912345678", "北京市海淀区中关村大街27号", "110105199001011232", "platinum"),
    ("张伟", "13700001111", "北京市东城区王府井大街138号", "110105198001010016", "gold"),
    ("刘洋", "13600002222", "北京市西城区金融街15号", "110105197001010011", "gold"),
    ("陈静", "13500003333", "北京市丰台区丽泽路18号", "110105196001010017", "platinum"),
    ("杨磊", "18600004444", "北京市通州区新华大街99号", None, "gold"),
    ("赵敏", "18800005555", "北京市昌平区回龙观东大街3号", None, "gold"),
    ("黄晓明", "15000006666", "北京市大兴区兴华大街66号", None, "platinum"),
]


def _id_number(seed: int) -> str:
    from .rules import ID_CHECK, ID_WEIGHTS

    body = f"11010819{80 + seed % 15:02d}0{1 + seed % 9}1{seed % 10}{100 + seed:03d}"[:17]
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def load(*, stdout) -> None:
    from receipts.services import receipt_ingest

    if Card.objects.filter(member__phone="13800138000").exists():
        return
    user_model = get_user_model()
    clerk = user_model.objects.get(username="clerk")
    supervisor = user_model.objects.get(username="desk_supervisor")
    services.card_stock_receive(quantity=260, user=supervisor, reason="2026年11月 空白卡入库")
    rng = random.Random(88)
    now = timezone.now()
    today = timezone.localdate()
    PromotionRule.objects.get_or_create(
        name="化妆品双倍积分周", defaults={
            "side": "dept", "categories": "cosmetics", "multiplier": 2,
            "starts_at": now - dt.timedelta(days=10), "ends_at": now + dt.timedelta(days=4)})
    cards = []
    for n, (name, phone, address, id_number, tier) in enumerate(PEOPLE):
        enrol_day = today - dt.timedelta(days=28 - n)
        at = timezone.make_aware(dt.datetime.combine(enrol_day, dt.time(11, 5)))
        unit = Decimal("12800.00") if tier == "platinum" else Decimal("1280.00")
        qualifying = {"side": "dept", "number": f"D-VIP-{enrol_day:%Y%m%d}-{n:03d}", "rung_at": at, "card_number": None,
                      "payment_method": "card", "total": unit,
                      "lines": [{"line_no": 1, "sku": "6900001", "description": "羊绒大衣", "counter": "C-2F-07",
                                 "category": "clothing", "list_price": unit, "unit_price": unit, "quantity": 1,
                                 "bulk_discount": False, "fresh": False}]}
        receipt_ingest(data=qualifying, now=at)
        birthday = today.replace(year=1985) if n == 1 else dt.date(1970 + n * 3, 1 + n, 10 + n)
        card = services.member_enrol(
            name=name, phone=phone, address=address, id_type="id_card", id_number=id_number or _id_number(n),
            birthday=birthday, tier=tier, kind="daily_spend", receipts=[("dept", qualifying["number"])], user=clerk,
            now=at + dt.timedelta(minutes=20))
        cards.append(card)
    fed = 0
    for days_ago in range(25, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        for i, card in enumerate(cards):
            if rng.random() > 0.35:
                continue
            side = "dept" if rng.random() < 0.65 else "market"
            at = min(timezone.make_aware(dt.datetime.combine(day, dt.time(12 + i % 8, rng.randint(0, 59)))), now)
            if at < card.issued_at:
                continue
            prefix = "D-MBR-" if side == "dept" else "M-MBR-"
            data = receipt_data(rng, side=side, number=f"{prefix}{day:%Y%m%d}-{i:03d}", rung_at=at, card_number=card.card_number)
            receipt_ingest(data=data, now=at)
            fed += 1
    for card in cards:
        card.refresh_from_db()
    rich_market = max(cards, key=lambda c: c.market_points)
    if rich_market.market_points >= 250:
        services.voucher_exchange(card=rich_market, points=250, user=clerk)
    rich_dept = max(cards, key=lambda c: c.dept_points)
    if rich_dept.dept_points >= 500:
        services.points_redeem(card=rich_dept, points=500, reference="积分换礼：保温杯", user=clerk)
    lost = cards[3]
    services.card_replace(card=lost, reason="lost", id_number=lost.member.id_number, user=clerk)
    services.birthday_greetings_send(day=today)
    stdout.write(f"members: {len(cards)} members, {fed} member receipts, 1 replacement, vouchers and a gift redemption")
