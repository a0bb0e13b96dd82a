"""Demo gifts: two items, two campaigns (满500元服装送折叠伞, 化妆品满300送化妆包) with deliveries counted in,
a few receipts that earned the gift, a batch of pickup vouchers with one collected, a stocktake with an
unexplained variance, and a member whose birthday is today (members' demo) with the gift still due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from receipts.models import Receipt

from . import selectors, services
from .models import GiftCampaign


def load(*, stdout) -> None:
    if GiftCampaign.objects.filter(code="C-DEMO-CLOTH").exists():
        return
    users = get_user_model().objects
    clerk, supervisor = users.get(username="clerk"), users.get(username="desk_supervisor")
    today = timezone.localdate()
    umbrella = services.gift_item_create(code="G-UMB-01", name="折叠伞", unit_value=Decimal("39.00"), user=supervisor)
    pouch = services.gift_item_create(code="G-BAG-02", name="化妆包", unit_value=Decimal("25.00"), user=supervisor)
    owner = "clothing" if services.department_exists("clothing") else None
    cloth = services.gift_campaign_create(
        code="C-DEMO-CLOTH", name="满500元服装送折叠伞", starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=2), side="dept", categories=["clothing", "clothing_summer"],
        min_spend=Decimal("500.00"), gift_item=umbrella.code, quantity=1, owner_department=owner, user=supervisor)
    services.gift_campaign_create(
        code="C-DEMO-COSM", name="化妆品满300送化妆包", starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20), side="dept", categories=["cosmetics"], min_spend=Decimal("300.00"),
        gift_item=pouch.code, quantity=1,
        owner_department="cosmetics" if services.department_exists("cosmetics") else None, user=supervisor)
    services.gift_delivery_receive(item=umbrella.code, quantity=60, note_number="PS-DEMO-0001",
                                   delivered_by="服装部 李师傅", user=clerk)
    services.gift_delivery_receive(item=pouch.code, quantity=12, note_number="PS-DEMO-0002",
                                   delivered_by="化妆品部 王师傅", user=clerk)
    issued = 0
    start = timezone.make_aware(dt.datetime.combine(cloth.starts_on, dt.time()))
    for receipt in Receipt.objects.filter(side="dept", rung_at__gte=start).order_by("rung_at")[:300]:
        for row in selectors.receipt_campaigns(receipt=receipt):
            campaign = row["campaign"]
            if issued >= 8 or row["claimed"] or not row["qualification"].qualifies:
                continue
            services.gift_issue_for_receipt(campaign=campaign.code, side=receipt.side, number=receipt.number,
                                            user=clerk)
            issued += 1
    batch = services.gift_vouchers_print(campaign=cloth, count=10, user=supervisor)
    services.gift_issue_for_voucher(campaign=cloth.code, serial=batch.first_serial, user=clerk)
    umbrella.refresh_from_db()
    services.stocktake_record(item=umbrella.code, counted=umbrella.on_hand - 1, period="daily", user=clerk)
    stdout.write(f"gifts: 2 campaigns, {issued} receipt gifts, 10 vouchers (1 collected), 1 variance to explain")
