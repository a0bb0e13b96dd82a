"""Beat entries, dashboard tile (R-CARD-3) and the platinum-only promotion (R-VIP-10)."""

import datetime as dt
from decimal import Decimal

from django.test import RequestFactory
from django.utils import timezone

from members import rules, selectors
from members.models import CardStock, PromotionRule
from members.schedule import BEAT_SCHEDULE


def test_beat_schedule_names_real_tasks():
    from servicedesk.celery import app

    app.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
    rebate = BEAT_SCHEDULE["members-annual-rebate"]["schedule"]
    assert rebate.month_of_year == {12} and rebate.day_of_month == {31} and rebate.hour == {22}


def test_r_card_3_dashboard_tile_alerts_when_low(db, supervisor, user_in_role):
    from members.dashboard import tiles

    CardStock.objects.update(on_hand=150)
    request = RequestFactory().get("/")
    request.user = supervisor
    [tile] = tiles(request)
    stock_line = tile.lines[0]
    assert stock_line.value == 150 and stock_line.alert is True
    request.user = user_in_role("dept_supervisor")
    assert tiles(request) == []


def test_r_vip_10_platinum_only_promotion(db):
    now = timezone.now()
    PromotionRule.objects.create(name="白金卡三倍积分", side="dept", counters="C-1F-03", multiplier=3, platinum_only=True,
                                 starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1))
    policy = selectors.policy_at(at=now)
    line = rules.LineFacts(line_no=1, counter="C-1F-03", category="cosmetics", list_price=Decimal("100.00"),
                           unit_price=Decimal("100.00"), quantity=1)
    assert rules.receipt_points(side="dept", lines=[line], tier="platinum", birthday=False, policy=policy).points == 300
    assert rules.receipt_points(side="dept", lines=[line], tier="gold", birthday=False, policy=policy).points == 100
    assert selectors.policy_at(at=now + dt.timedelta(days=2)).promotions == ()
