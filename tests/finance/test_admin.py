"""The finance month page (admin): roles, the ledgers' figures, exports with progress and downloads, close
and reopen; and that no admin form writes a ledger entry dated inside a closed month."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.urls import reverse

from finance import services
from finance.models import ExportJob
from members.models import Card, PointsEntry
from servicedesk.models import Period
from tests.factories.finance import at_in

pytestmark = pytest.mark.django_db


def _page(client, month):
    return client.get(reverse("admin:finance_monthclose_month") + f"?month={month:%Y-%m}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("role,status", [("finance", 200), ("desk_supervisor", 200), ("admin", 200), ("clerk", 403),
                                         ("ops_manager", 403), ("cashier", 403)])
def test_month_page_roles(client, user_in_role, month, role, status):
    client.force_login(user_in_role(role))
    assert _page(client, month).status_code == status


def test_month_page_anonymous_goes_to_login(client, month):
    r = _page(client, month)
    assert r.status_code == 302 and "login" in r["Location"]


def test_r_fin_1_month_page_shows_each_ledger_with_its_figures(client, books, month, finance_user):
    client.force_login(finance_user)
    r = _page(client, month)
    html = r.content.decode()
    points = r.context["ledgers"][0]
    assert points["summary"].name == "points" and points["summary"].rows == 5
    assert (points["opening"], points["closing"]) == ("1000", "3000")
    assert r.context["ledgers"][1]["closing"] == "579.50"
    assert ("points_earned", "积分发放", 2300) in r.context["totals"]  # the page is in Chinese (decision 13)
    assert 'id="export-points-xlsx"' in html and 'id="close-form"' in html
    assert r.context["all_balanced"] is True


def test_month_page_for_the_supervisor_reads_only(client, books, month, user_in_role):
    client.force_login(user_in_role("desk_supervisor"))
    html = _page(client, month).content.decode()
    assert 'id="close-form"' not in html and 'id="export-points-csv"' not in html
    url = reverse("admin:finance_monthclose_export", args=[f"{month:%Y-%m}"])
    assert client.post(url, {"ledger": "points", "format": "csv"}).status_code == 403
    assert client.post(reverse("admin:finance_monthclose_close", args=[f"{month:%Y-%m}"])).status_code == 403


def test_r_fin_1_export_from_the_page_reports_progress_and_downloads(client, books, month, finance_user,
                                                                     django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    client.force_login(finance_user)
    url = reverse("admin:finance_monthclose_export", args=[f"{month:%Y-%m}"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"ledger": "points", "format": "xlsx"}, HTTP_X_REQUESTED_WITH="fetch")
    assert r.status_code == 202
    progress = client.get(r.json()["progress_url"]).json()
    assert (progress["status"], progress["rows_done"], progress["rows_total"], progress["percent"]) == ("done", 5, 5, 100)
    download = client.get(progress["download_url"])
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert [c for c in next(wb.active.iter_rows(values_only=True))][:2] == ["流水记录", "时间"]
    page = _page(client, month)
    assert [j.pk for j in page.context["exports"]] == [progress["id"]]
    bad = client.post(url, {"ledger": "points", "format": "doc"}, HTTP_X_REQUESTED_WITH="fetch")
    assert bad.status_code == 400 and bad.json()["fields"] == {"format": ["doc"]}


def test_r_fin_2_close_and_reopen_from_the_page(client, books, month, finance_user, user_in_role):
    key = f"{month:%Y-%m}"
    client.force_login(finance_user)
    r = client.post(reverse("admin:finance_monthclose_close", args=[key]), follow=True)
    assert Period.objects.get(month=month).closed
    assert r.context["close"] is not None and 'id="reopen-form"' not in r.content.decode()
    assert client.post(reverse("admin:finance_monthclose_reopen", args=[key]), {"reason": "x"}).status_code == 403
    client.force_login(user_in_role("admin"))
    client.post(reverse("admin:finance_monthclose_reopen", args=[key]), {"reason": "补录"})
    assert not Period.objects.get(month=month).closed


def test_r_fin_2_the_adjust_form_cannot_write_into_a_closed_month(client, books, month, finance_user, user_in_role):
    """Ledger admins are read-only; the one admin form that writes the ledger (Member 360's adjustment) goes
    through the guarded writer: dated inside the closed month it is refused with period_closed."""
    services.month_close(month=month, user=finance_user)
    supervisor = user_in_role("desk_supervisor")
    client.force_login(supervisor)
    assert client.get(reverse("admin:members_pointsentry_add")).status_code == 403
    entry = PointsEntry.objects.first()
    assert client.post(reverse("admin:members_pointsentry_change", args=[entry.pk]), {"points": 1}).status_code == 403
    card = books["a"]
    url = reverse("admin:members_card_360_action", args=[card.card_number, "adjust"])
    before = Card.objects.get(pk=card.pk).dept_points
    with mock.patch("members.services.ledger.timezone") as clock:
        clock.now.return_value = at_in(month, 12)
        r = client.post(url, {"wallet": "dept", "points": 5, "reason": "补录"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "period_closed" in r.content.decode()
    assert Card.objects.get(pk=card.pk).dept_points == before
    r = client.post(url, {"wallet": "dept", "points": 5, "reason": f"补录 {month:%Y-%m}"}, follow=True)
    assert Card.objects.get(pk=card.pk).dept_points == before + 5


def test_closed_month_page_reads_the_snapshot_and_serves_the_frozen_files(client, books, month, finance_user,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.month_close(month=month, user=finance_user)
    client.force_login(finance_user)
    page = _page(client, month)
    # by name: a closed month reads its snapshot, whose jsonb keys PostgreSQL orders by length
    by_name = {row["summary"].name: row for row in page.context["ledgers"]}
    assert by_name["points"]["closing"] == "3000" and by_name["gifts"]["closing"] == "0"
    frozen = [j for j in page.context["exports"] if j.close_id]
    assert len(frozen) == 9  # CSV and XLSX of points, stored value, gifts and invoices, and the summary PDF
    job = ExportJob.objects.get(close__isnull=False, ledger="points", format="csv")
    one = b"".join(client.get(reverse("admin:finance_monthclose_download", args=[job.pk])).streaming_content)
    two = b"".join(client.get(reverse("admin:finance_monthclose_direct", args=[f"{month:%Y-%m}", "points", "csv"]))
                   .streaming_content)
    assert one == two


def test_closed_month_page_orders_ledgers_as_registered_like_the_open_month(client, books, month, finance_user):
    from finance.models import MonthClose
    from servicedesk.extensions import month_ledgers

    client.force_login(finance_user)
    registered = month_ledgers.names()
    assert [row["summary"].name for row in _page(client, month).context["ledgers"]] == registered
    close = services.month_close(month=month, user=finance_user)
    # Stored in another key order (PostgreSQL's jsonb sorts keys by length; SQLite keeps them as written),
    # with a ledger that is no longer registered: registration order, the unknown one last.
    scrambled = {name: close.summary[name] for name in reversed(registered)}
    scrambled["retired"] = {**close.summary["gifts"], "name": "retired"}
    MonthClose.objects.filter(pk=close.pk).update(summary=scrambled)
    page = _page(client, month)
    assert [row["summary"].name for row in page.context["ledgers"]] == [*registered, "retired"]
    html = page.content.decode()
    positions = [html.index(f'id="ledger-{name}"') for name in registered]
    assert positions == sorted(positions)


def test_dashboard_tile_for_finance(client, finance_user, month):
    client.force_login(finance_user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{month:%Y-%m}" in html


def test_r_fin_1_pdf_summary_from_the_page(client, books, month, finance_user, django_capture_on_commit_callbacks):
    client.force_login(finance_user)
    url = reverse("admin:finance_monthclose_export", args=[f"{month:%Y-%m}"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"ledger": "summary", "format": "pdf"}, HTTP_X_REQUESTED_WITH="fetch")
    job = client.get(r.json()["progress_url"]).json()
    assert job["status"] == "done"
    assert b"".join(client.get(job["download_url"]).streaming_content).startswith(b"%PDF")


def test_r_fin_1_month_picker_lists_past_months_and_the_current_one_with_their_state(client, books, month,
                                                                                     finance_user):
    from django.utils import timezone

    from finance.rules import previous_month

    services.month_close(month=month, user=finance_user)
    client.force_login(finance_user)
    r = _page(client, month)
    choices = r.context["month_choices"]
    current = timezone.localdate().replace(day=1)
    expected, m = [], current
    for _i in range(12):  # a year back at least, newest first, never a future month
        expected.append(f"{m:%Y-%m}")
        m = previous_month(m)
    assert [c["value"] for c in choices] == expected
    assert [c["value"] for c in choices if c["closed"]] == [f"{month:%Y-%m}"]
    assert [c["value"] for c in choices if c["selected"]] == [f"{month:%Y-%m}"]
    html = r.content.decode()
    assert '<select name="month" id="month-select">' in html and 'type="month"' not in html
    assert f'<option value="{month:%Y-%m}" selected data-status="closed">{month:%Y-%m} · 已结账</option>' in html
    assert f'<option value="{current:%Y-%m}" data-status="open">{current:%Y-%m} · 本月，未结账</option>' in html
    assert 'id="month-next"' in html  # last month has a next one (the current month) ...
    assert 'id="month-next"' not in _page(client, current).content.decode()  # ... the current month has none


def test_month_picker_reaches_back_to_the_oldest_close(client, db, finance_user):
    from finance.models import MonthClose
    from finance.rules import previous_month

    old = dt.date(2019, 3, 1)
    MonthClose.objects.create(month=old, closed_at=at_in(old, 31), closed_by=finance_user, totals={}, summary={})
    client.force_login(finance_user)
    values = [c["value"] for c in _page(client, previous_month(old)).context["month_choices"]]
    assert values[-2:] == ["2019-03", "2019-02"]  # back to the oldest close, then the month asked for


@pytest.mark.parametrize("value,says", [("abc", "月份“abc”：请从列表中选择月份（YYYY-MM）。"),  # the page is zh-hans
                                        ("2026-13", "月份“2026-13”：请从列表中选择月份（YYYY-MM）。"),
                                        ("2026-1", "月份“2026-1”：请从列表中选择月份（YYYY-MM）。"),
                                        ("2999-01", "月份 2999-01 尚未到来：请选择本月或更早的月份。")])
def test_month_page_a_bad_month_is_a_clear_400_not_a_500(client, books, month, finance_user, value, says):
    client.force_login(finance_user)
    r = client.get(reverse("admin:finance_monthclose_month"), {"month": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    html = r.content.decode()
    assert says in html and f"现显示 {month:%Y-%m}。" in html and 'id="month-error"' in html
    assert r.context["month"] == f"{month:%Y-%m}"  # the page still shows last month
