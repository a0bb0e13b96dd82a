"""Pure rules of invoices (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from invoices import rules

LIMIT = rules.TimeLimit(days=30, within_month=True)


def test_r_inv_1_book_range_keeps_the_width_of_the_first_number():
    assert rules.book_range(first_number="04400001", count=50) == (4400001, 4400050, 8)
    assert rules.number_text(4400050, 8) == "04400050"


@pytest.mark.parametrize("first, count", [("0440A001", 50), ("", 1), ("99999999", 2), ("04400001", 0), ("４４", 1)])
def test_r_inv_1_book_range_refuses_non_digits_and_ranges_past_the_width(first, count):
    with pytest.raises(rules.NumberFormatError):
        rules.book_range(first_number=first, count=count)


def test_r_inv_1_ranges_overlap():
    assert rules.ranges_overlap((4400001, 4400050), (4400050, 4400099))
    assert not rules.ranges_overlap((4400001, 4400050), (4400051, 4400100))


def test_r_inv_4_thirty_days_after_purchase_is_the_last_day():
    today = dt.date(2026, 12, 31)
    assert rules.time_limit_refusal(rung_on=dt.date(2026, 12, 1), today=today, limit=LIMIT) is None  # day 30
    assert rules.time_limit_refusal(rung_on=dt.date(2026, 12, 1), today=dt.date(2027, 1, 1),
                                    limit=rules.TimeLimit(30, False)) == "days"  # day 31


def test_r_inv_4_a_receipt_of_the_last_day_of_last_month_is_refused_today():
    assert rules.time_limit_refusal(rung_on=dt.date(2026, 11, 30), today=dt.date(2026, 12, 1), limit=LIMIT) == "month"
    # without the month-end rule (a policy choice) one day is well within 30 days
    assert rules.time_limit_refusal(rung_on=dt.date(2026, 11, 30), today=dt.date(2026, 12, 1),
                                    limit=rules.TimeLimit(30, False)) is None


def test_r_inv_3_left_to_invoice_is_net_of_refunds_and_earlier_invoices():
    assert rules.left_to_invoice(total=Decimal("1200.00"), refunded=Decimal("300.00"),
                                 invoiced=Decimal("500.00")) == Decimal("400.00")
    assert rules.left_to_invoice(total=Decimal("100.00"), refunded=Decimal("100.00"), invoiced=Decimal("0")) == 0


def test_r_inv_3_allocate_fills_receipts_in_scan_order():
    assert rules.allocate(amount=Decimal("1500.00"), lefts=[Decimal("1000.00"), Decimal("800.00")]) == [
        Decimal("1000.00"), Decimal("500.00")]
    with pytest.raises(ValueError):
        rules.allocate(amount=Decimal("1900.00"), lefts=[Decimal("1000.00"), Decimal("800.00")])


def test_r_inv_2_r_inv_3_amount_decision():
    face = Decimal("10000.00")
    assert rules.invoice_amount_decide(requested=None, left=Decimal("12000.00"), face_limit=face).code == "R-INV-2"
    assert rules.invoice_amount_decide(requested=Decimal("10000.00"), left=Decimal("12000.00"),
                                       face_limit=face).amount == Decimal("10000.00")
    assert rules.invoice_amount_decide(requested=Decimal("12000.01"), left=Decimal("12000.00"),
                                       face_limit=face).reason == "more_than_left"
    assert rules.invoice_amount_decide(requested=None, left=Decimal("0.00"), face_limit=face).reason == "nothing_left"


def test_r_gift_4_remarks_name_gifts_and_vouchers_in_both_languages():
    text = rules.remarks_text(gifts=[{"campaign": "C-2026-12", "item": "折叠伞", "quantity": 1, "value": "39.00"}],
                              vouchers=[{"serial": "GV-000123", "value": "50.00"}])
    assert text == "赠品 Gift: 折叠伞 ×1（C-2026-12，价值 value 39.00）；券 Voucher: GV-000123（价值 value 50.00）"
    assert rules.remarks_text(gifts=[], vouchers=[]) == ""


def test_r_inv_7_notice_due_seven_days_after_the_report():
    assert rules.notice_due(reported_on=dt.date(2026, 11, 28), days=7) == dt.date(2026, 12, 5)


def test_r_inv_8_report_of_last_month_due_from_the_third():
    assert rules.report_month_due(today=dt.date(2026, 12, 2), report_day=3) is None
    assert rules.report_month_due(today=dt.date(2026, 12, 3), report_day=3) == "2026-11"
    assert rules.report_month_due(today=dt.date(2027, 1, 5), report_day=3) == "2026-12"


def test_runs_of_numbers():
    assert rules.runs([1, 2, 3, 7, 9, 10]) == [(1, 3), (7, 7), (9, 10)]


@pytest.mark.parametrize("text, ok", [("2026-11", True), ("2026-13", False), ("26-11", False), ("2026/11", False),
                                        ("0000-01", False), ("9999-11", True), ("9999-12", False)])
def test_parse_month(text, ok):
    assert (rules.parse_month(text) is not None) is ok
