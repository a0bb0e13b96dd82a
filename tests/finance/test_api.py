"""The contract's finance endpoints (api-contract.md, Finance R-FIN), exactly as written."""

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone

from finance.models import MonthClose

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def fin(api_as, finance_user):
    return api_as(finance_user)


def test_r_fin_1_export_csv_is_streamed_with_the_column_names_first(books, month, fin):
    response = fin.get(f"/api/v1/finance/exports/points/?month={month:%Y-%m}&format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0] == ["ledger entry", "at", "card number", "wallet", "kind", "points", "balance after", "reference", "by"]
    assert len(rows) == 1 + 5
    assert sum(int(r[5]) for r in rows[1:]) == 1200 + 300 - 250 - 50 + 800


def test_r_fin_1_export_xlsx_and_chinese_headers(books, month, fin):
    from openpyxl import load_workbook

    response = fin.get(f"/api/v1/finance/exports/stored_value/?month={month:%Y-%m}&format=xlsx",
                       HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(_body(response)), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("流水记录", "时间", "卡号") and len(rows) == 3


def test_export_errors_name_the_field_and_never_500(books, month, fin):
    r = fin.get(f"/api/v1/finance/exports/points/?month={month:%Y-%m}&format=doc")
    assert r.status_code == 400 and r.json()["fields"] == {"format": ["doc"]} and r.json()["code"] == "invalid"
    r = fin.get("/api/v1/finance/exports/points/?month=2026-13&format=csv")
    assert r.status_code == 400 and "month" in r.json()["fields"]
    r = fin.get("/api/v1/finance/exports/points/?format=csv")
    assert r.status_code == 400 and "month" in r.json()["fields"]
    r = fin.get(f"/api/v1/finance/exports/nope/?month={month:%Y-%m}")
    assert r.status_code == 404 and set(r.json()) == {"code", "detail", "fields"}


@pytest.mark.parametrize("role", ["clerk", "desk_supervisor", "cashier", "pos"])
def test_exports_are_for_finance_only(books, month, api_as, user_in_role, role):
    r = api_as(user_in_role(role)).get(f"/api/v1/finance/exports/points/?month={month:%Y-%m}&format=csv")
    assert r.status_code == 403


def test_anonymous_is_refused(api_client, month):
    assert api_client.get(f"/api/v1/finance/periods/{month:%Y-%m}/").status_code in (401, 403)


def test_r_fin_2_period_open_shows_live_totals_then_close_then_again_409(books, month, fin, api_as, user_in_role):
    key = f"{month:%Y-%m}"
    r = fin.get(f"/api/v1/finance/periods/{key}/")
    assert r.status_code == 200
    assert r.json() == {"month": key, "status": "open", "closed_at": None, "totals": {
        "points_earned": 2300, "points_spent": 250, "stored_value_in": "500.00", "stored_value_out": "120.50",
        "gifts_issued": 0, "invoices_amount": "0.00"}}
    assert api_as(user_in_role("desk_supervisor")).post(f"/api/v1/finance/periods/{key}/close/").status_code == 403
    r = fin.post(f"/api/v1/finance/periods/{key}/close/")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "closed" and body["month"] == key
    assert dt.datetime.fromisoformat(body["closed_at"]).utcoffset() == dt.timedelta(hours=8)
    assert body["totals"]["points_earned"] == 2300 and body["totals"]["stored_value_out"] == "120.50"
    # the desk supervisor reads the same shape
    assert api_as(user_in_role("desk_supervisor")).get(f"/api/v1/finance/periods/{key}/").json() == body
    again = fin.post(f"/api/v1/finance/periods/{key}/close/")
    assert again.status_code == 409 and again.json()["code"] == "period_closed"


def test_r_fin_2_closing_the_current_or_a_future_month_is_400(db, fin):
    today = timezone.localdate()
    for month in (today, today + dt.timedelta(days=35)):
        r = fin.post(f"/api/v1/finance/periods/{month:%Y-%m}/close/")
        assert r.status_code == 400 and r.json()["code"] == "R-FIN-2" and "month" in r.json()["fields"]
    assert fin.post("/api/v1/finance/periods/11-2026/close/").status_code == 400
    assert not MonthClose.objects.exists()


def test_r_fin_2_closed_month_csv_is_byte_identical_on_every_download(books, month, fin, api_as, user_in_role):
    key = f"{month:%Y-%m}"
    fin.post(f"/api/v1/finance/periods/{key}/close/")
    first = fin.get(f"/api/v1/finance/exports/points/?month={key}&format=csv", HTTP_ACCEPT_LANGUAGE="en")
    a = _body(first)  # read before the next download (the test storage hands out one in-memory file)
    second = fin.get(f"/api/v1/finance/exports/points/?month={key}&format=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    b = _body(second)
    assert first.status_code == second.status_code == 200
    assert a == b and hashlib.sha256(a).hexdigest() == first["X-Content-SHA256"]
    assert a.startswith("\ufeff流水记录".encode())  # stored once, in the store's language
    x1 = _body(fin.get(f"/api/v1/finance/exports/points/?month={key}&format=xlsx"))
    x2 = _body(fin.get(f"/api/v1/finance/exports/points/?month={key}&format=xlsx"))
    assert x1 == x2
    # reopen (admin, with a reason) → live again; the next close stores new files
    admin = api_as(user_in_role("admin"))
    assert admin.post(f"/api/v1/finance/periods/{key}/reopen/", {"reason": ""}, format="json").status_code == 400
    r = admin.post(f"/api/v1/finance/periods/{key}/reopen/", {"reason": "补记"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert fin.post(f"/api/v1/finance/periods/{key}/reopen/", {"reason": "x"}, format="json").status_code == 403
    live = fin.get(f"/api/v1/finance/exports/points/?month={key}&format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert live.streaming and "X-Content-SHA256" not in live


def test_r_fin_2_the_till_feed_of_a_receipt_rung_in_a_closed_month_is_409(books, month, fin, api_as, user_in_role):
    from receipts.models import Receipt

    key = f"{month:%Y-%m}"
    assert fin.post(f"/api/v1/finance/periods/{key}/close/").status_code == 200
    body = {"side": "market", "number": "M-LATE-7", "rung_at": f"{key}-20T18:30:00+08:00", "card_number": None,
            "payment_method": "cash", "total": "12.00",
            "lines": [{"line_no": 1, "sku": "1", "description": "牛奶", "counter": "M-01", "category": "grocery",
                       "list_price": "12.00", "unit_price": "12.00", "quantity": 1, "bulk_discount": False,
                       "fresh": False}]}
    r = api_as(user_in_role("pos")).post("/api/v1/receipts/", body, format="json")
    assert r.status_code == 409 and r.json()["code"] == "period_closed"
    assert not Receipt.objects.filter(number="M-LATE-7").exists()
