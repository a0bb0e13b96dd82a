"""Browser test (Playwright + Debian's Chromium): the R-CMP-7 review and the member statistics draw their
charts with the vendored Chart.js under the site's CSP (the `page` fixture fails on any violation), with
the tables beside them; screenshots in tests/artifacts/."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories.complaints import ComplaintFactory, DepartmentFactory
from tests.factories.members import CardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _charts_ready(page, ids):
    for chart_id in ids:
        canvas = page.locator(f'canvas[data-chart="{chart_id}"][data-ready="1"]')
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, chart_id


def test_review_statistics_page_draws_its_charts(page, live_server, login, screenshot, user_in_role):
    sup = user_in_role("desk_supervisor", username="sup_zhao")
    now = timezone.now()
    depts = [DepartmentFactory(code=c, name=n) for c, n in (("clothing", "服装部"), ("cosmetics", "化妆品部"))]
    for i in range(14):
        received = now - timedelta(days=9 * i, hours=i)
        ComplaintFactory(recorded_by=sup, received_at=received, type=("service", "quality", "environment", "other")[i % 4],
                         department=depts[i % 2], routed_at=received + timedelta(hours=1 + i % 5),
                         closed_at=received + timedelta(hours=20 + i) if i % 3 else None,
                         status="closed" if i % 3 else "awaiting_feedback", feedback_by=received + timedelta(days=2),
                         satisfaction=("satisfied", "neutral", "dissatisfied")[i % 3] if i % 3 else "")
    login("sup_zhao")
    page.goto(f"{live_server.url}/complaints/complaint/review/")
    _charts_ready(page, ["month-type", "month-department", "month-satisfaction", "months-type", "months-hours",
                         "months-department", "months-satisfaction", "weeks-type", "weeks-hours"])
    assert "受理量（按类型）" in page.content()
    assert page.locator("#months-hours table tbody tr").count() == 12  # the table under the chart: a row a month
    screenshot("complaint_review_charts")


def test_member_statistics_page_draws_its_charts(page, live_server, login, screenshot, user_in_role):
    from members.choices import EntryKind, Wallet
    from members.services import _ledger_move

    user_in_role("finance", username="fin_qian")
    now = timezone.now()
    for i in range(8):
        card = CardFactory(tier="platinum" if i % 3 == 0 else "gold", issued_at=now - timedelta(days=31 * i))
        with transaction.atomic():
            _ledger_move(card_id=card.pk, wallet=(Wallet.DEPT, Wallet.MARKET)[i % 2], kind=EntryKind.EARN,
                         delta=100 + 40 * i, refuse_code="test", at=now - timedelta(days=31 * i))
    login("fin_qian")
    page.goto(f"{live_server.url}/members/memberstatistics/")
    _charts_ready(page, ["members-enrolled", "members-points"])
    assert "每月发放积分" in page.content()
    screenshot("member_statistics_charts")


def test_desk_report_still_draws_from_the_moved_library(page, live_server, login, user_in_role):
    from django.urls import reverse

    user_in_role("desk_supervisor", username="sup_sun")
    login("sup_sun")
    week = timezone.localdate().isocalendar()
    page.goto(live_server.url + reverse("admin:desk_deskreport_page", args=["weekly", f"{week[0]}-W{week[1]:02d}"]))
    page.locator('#desk-report-chart[data-ready="1"]').wait_for()
