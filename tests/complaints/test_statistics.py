"""R-CMP-7 statistics with trends (issue 15, item 6): the selectors' numbers for this test's own tickets,
bounded queries whatever the data size, the review page's charts for the allowed roles, and the workbook's
native charts with durations in hours (not 4.07e-06)."""

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from complaints import exports, selectors
from tests.factories.complaints import ComplaintFactory, DepartmentFactory

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _at(*args):
    return datetime(*args, tzinfo=SH)


def _ticket(clerk, received, *, type="quality", department=None, route_h=None, close_h=None, satisfaction="", **kw):
    return ComplaintFactory(
        recorded_by=clerk, received_at=received, type=type, department=department,
        routed_at=received + timedelta(hours=route_h) if route_h is not None else None,
        closed_at=received + timedelta(hours=close_h) if close_h is not None else None,
        status="closed" if close_h is not None else ("awaiting_feedback" if route_h is not None else "awaiting_routing"),
        feedback_by=received + timedelta(hours=route_h + 48) if route_h is not None else None,
        satisfaction=satisfaction, **kw)


@pytest.fixture
def march(clerk):
    """March 2026 in store time: 3 quality tickets of the clothing department routed in 2, 2.5 and 3 hours
    (mean and median 2.5 h), two closed after 24 and 48 hours (36 h), one satisfied and one dissatisfied
    follow-up; one service ticket at 23:30 on 31 March not routed. February: one environment ticket routed
    in 1 hour, satisfied. 00:30 on 1 April (still 31 March in UTC) belongs to April."""
    clothing = DepartmentFactory(code="clothing", name="服装部")
    _ticket(clerk, _at(2026, 3, 2, 9), department=clothing, route_h=2, close_h=24, satisfaction="satisfied")
    _ticket(clerk, _at(2026, 3, 10, 10), department=clothing, route_h=2.5, close_h=48, satisfaction="dissatisfied")
    _ticket(clerk, _at(2026, 3, 20, 14), department=clothing, route_h=3)
    _ticket(clerk, _at(2026, 3, 31, 23, 30), type="service")
    _ticket(clerk, _at(2026, 2, 14, 11), type="environment", department=clothing, route_h=1, close_h=5,
            satisfaction="satisfied")
    _ticket(clerk, _at(2026, 4, 1, 0, 30), type="other")
    return clothing


def test_r_cmp_7_month_numbers(march):
    review = selectors.complaints_monthly_review(year=2026, month=3)
    assert review.total == 4 and review.closed == 2
    assert {b.key: b.count for b in review.by_type} == {"service": 1, "quality": 3, "environment": 0, "other": 0}
    assert [(b.key, b.label, b.count) for b in review.by_department][0] == ("clothing", "服装部", 3)
    assert [(b.key, b.count) for b in review.by_department][1] == ("-", 1)  # not routed
    assert {b.key: b.count for b in review.by_satisfaction} == {"satisfied": 1, "neutral": 0, "dissatisfied": 1}
    assert review.median_hours_to_route == 2.5 and review.mean_hours_to_route == 2.5
    assert review.median_hours_to_close == 36.0 and review.mean_hours_to_close == 36.0
    assert review.satisfied_percent == 50.0


def test_r_cmp_7_monthly_trend(march):
    trend = selectors.complaints_trend(unit="month", last=date(2026, 3, 1), count=12)
    assert trend.labels[0] == "2025-04" and trend.labels[-1] == "2026-03" and len(trend.periods) == 12
    assert trend.received[-2:] == [1, 4] and sum(trend.received) == 5
    by_type = {s.key: s.values[-2:] for s in trend.by_type}
    assert by_type == {"service": [0, 1], "quality": [0, 3], "environment": [1, 0], "other": [0, 0]}
    assert trend.mean_hours_to_route[-2:] == [1.0, 2.5] and trend.mean_hours_to_route[0] is None
    assert trend.mean_hours_to_close[-2:] == [5.0, 36.0]
    assert trend.satisfied_percent[-2:] == [100.0, 50.0]
    assert [(s.key, s.values[-2:]) for s in trend.by_department] == [("clothing", [1, 3]), ("-", [0, 1])]


def test_r_cmp_7_weekly_trend_mondays(march):
    trend = selectors.complaints_trend(unit="week", last=date(2026, 4, 2), count=5)
    assert trend.periods == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30)]
    assert trend.received == [1, 1, 1, 0, 2]  # the week of 30 March holds 31 March 23:30 and 1 April 00:30
    assert trend.mean_hours_to_route[:3] == [2.0, 2.5, 3.0] and trend.mean_hours_to_route[3:] == [None, None]


def test_seconds_are_hundredths_of_an_hour_not_4e_06(clerk):
    """The XLSX median showed 4.07e-06 hours: durations are hours rounded to 2 decimals."""
    dept = DepartmentFactory(code="clothing")
    _ticket(clerk, _at(2026, 5, 6, 9), department=dept, route_h=0.0147 / 3600)  # routed 14.7 ms after intake
    _ticket(clerk, _at(2026, 5, 6, 10), department=dept, route_h=52 / 3600)  # 52 seconds
    review = selectors.complaints_monthly_review(year=2026, month=5)
    assert review.median_hours_to_route == 0.01 and review.mean_hours_to_route == 0.01


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_statistics_queries_are_bounded_whatever_the_data_size(clerk, django_assert_max_num_queries):
    def read():
        selectors.complaints_monthly_review(year=2026, month=3)
        selectors.complaints_trend(unit="month", last=date(2026, 3, 1))
        selectors.complaints_trend(unit="week", last=date(2026, 3, 31))

    _ticket(clerk, _at(2026, 3, 2, 9), department=DepartmentFactory(code="d0"), route_h=2, close_h=3)
    small = _queries(read)
    for i in range(40):
        _ticket(clerk, _at(2026, 3 - i % 2, 1 + i % 27, 9), department=DepartmentFactory(code=f"d{i % 12}"),
                route_h=i % 5, close_h=i % 7 + 5, satisfaction=("satisfied", "neutral", "dissatisfied")[i % 3],
                type=("service", "quality", "environment", "other")[i % 4])
    with django_assert_max_num_queries(small):
        read()
    assert small <= 11  # 5 for the month (3 aggregates + 2 medians) + 3 for each trend


def test_r_cmp_7_review_page_charts_for_allowed_roles(client, clerk, supervisor, ops, dept_user, march):
    url = reverse("admin:complaints_complaint_review") + "?month=2026-03&week=2026-03-10"
    client.force_login(dept_user)
    assert client.get(url).status_code == 403
    for reader in (clerk, ops):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    client.force_login(supervisor)
    page = client.get(url)
    body = page.content.decode()
    assert "servicedesk/vendor/chart.umd.min.js" in body and "complaints/review_charts.js" in body
    assert "<script>" not in body.replace('<script id="cmp-charts-data" type="application/json">', "")
    data = json.loads(body.split('<script id="cmp-charts-data" type="application/json">')[1].split("</script>")[0])
    assert set(data) >= {"month-type", "month-department", "month-satisfaction", "months-type", "months-hours",
                         "months-department", "months-satisfaction", "weeks-type", "weeks-hours"}
    assert data["months-hours"]["datasets"][0]["data"][-2:] == [1.0, 2.5] and data["months-hours"]["unit"] == "h"
    assert data["month-type"]["labels"] == ["服务态度", "商品质量", "购物环境", "其他"]
    assert data["month-type"]["datasets"][0]["data"] == [1, 3, 0, 0]
    for chart_id in data:
        assert f'data-chart="{chart_id}"' in body  # a canvas for each, with its table below
    assert "<td>2.50</td>" in body and "<td>50.0%</td>" in body  # the tables under the charts


def test_r_cmp_7_xlsx_has_native_charts_and_hours(client, supervisor, march):
    from openpyxl import load_workbook

    client.force_login(supervisor)
    resp = client.get(reverse("admin:complaints_complaint_review_xlsx") + "?month=2026-03&week=2026-03-10")
    assert resp.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert "xl/charts/chart1.xml" in names and sum(n.startswith("xl/charts/chart") for n in names) >= 9
    wb = load_workbook(io.BytesIO(resp.content))
    month, months, weeks = wb.worksheets[:3]
    assert len(month._charts) == 3 and len(months._charts) == 4 and len(weeks._charts) == 3
    values = {row[0].value: row[1] for row in month.iter_rows(min_row=2, max_row=10)}
    labels = exports.review_labels()
    assert values[labels["median_route"]].value == 2.5 and values[labels["median_route"]].number_format == "0.00"
    assert values[labels["mean_close"]].value == 36.0
    assert values[labels["satisfied"]].value == 0.5 and values[labels["satisfied"]].number_format == "0.0%"
    head = [c.value for c in months[1]]
    route_col = head.index(gettext("to route"))
    last = list(months[13])
    assert last[0].value == "2026-03" and last[1].value == 4 and last[route_col].value == 2.5
    assert last[route_col].number_format == "0.00"


def test_r_cmp_7_pdf_has_the_trend(client, supervisor, march):
    client.force_login(supervisor)
    resp = client.get(reverse("admin:complaints_complaint_review_pdf") + "?month=2026-03")
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF") and len(resp.content) > 5000


def test_review_page_queries_do_not_grow_with_the_tickets(client, supervisor, clerk):
    url = reverse("admin:complaints_complaint_review") + "?month=2026-03&week=2026-03-10"
    client.force_login(supervisor)
    _ticket(clerk, _at(2026, 3, 10, 9), department=DepartmentFactory(code="d0"), route_h=2, close_h=3)
    client.get(url)  # warm the session and permission caches
    small = _queries(lambda: client.get(url))
    for i in range(30):
        _ticket(clerk, _at(2026, 3, 1 + i % 28, 9), department=DepartmentFactory(code=f"d{i % 10}"), route_h=1 + i % 4,
                close_h=8 + i % 3, satisfaction=("satisfied", "neutral", "dissatisfied")[i % 3])
    assert _queries(lambda: client.get(url)) == small
