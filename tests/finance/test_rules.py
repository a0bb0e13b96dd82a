import datetime as dt
from decimal import Decimal as D

from finance import rules
from servicedesk.extensions import LedgerMovement, month_totals


def _mv(month, kind, rows, inflow, outflow):
    return LedgerMovement(month=month, kind=kind, rows=rows, inflow=D(inflow), outflow=D(outflow))


def test_r_fin_1_month_figures_opening_is_every_earlier_month_and_closing_adds_the_month():
    merged = rules.movements_merge([
        _mv("2026-09", "dept.earn", 2, 1000, 0), _mv("2026-10", "dept.earn", 3, 500, 0),
        _mv("2026-10", "dept.redeem", 1, 0, 200), _mv("2026-11", "dept.earn", 1, 7, 0),
        _mv("2026-10", "dept.earn", 1, 100, 0),  # a second group of the same month and kind adds up
    ])
    figures = rules.month_figures(merged=merged, month="2026-10")
    assert figures.rows == 5
    assert figures.opening == D(1000)
    assert [(m.kind, m.rows, m.inflow, m.outflow) for m in figures.movements] == [
        ("dept.earn", 4, D(600), D(0)), ("dept.redeem", 1, D(0), D(200))]
    assert figures.closing == D(1400)
    assert rules.ledger_total(merged) == D(1407)


def test_r_fin_1_balanced_when_the_kept_balances_equal_the_ledger():
    assert rules.ledger_balanced(cached_balance=D("10.00"), ledger_balance=D("10")) is True
    assert rules.ledger_balanced(cached_balance=D("9.99"), ledger_balance=D("10")) is False
    assert rules.ledger_balanced(cached_balance=None, ledger_balance=D("3")) is True  # a register without balances


def test_r_fin_2_only_a_past_month_may_be_closed():
    current = dt.date(2026, 12, 1)
    assert rules.month_close_refusal(month=dt.date(2026, 11, 1), current_month=current) is None
    assert rules.month_close_refusal(month=dt.date(2026, 12, 1), current_month=current) == "R-FIN-2"
    assert rules.month_close_refusal(month=dt.date(2027, 1, 1), current_month=current) == "R-FIN-2"
    assert rules.previous_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)


def test_r_fin_2_closing_totals_always_have_every_contract_key():
    totals = month_totals([{"points_earned": 5}, {"stored_value_in": D("1.50")}])
    assert totals == {"points_earned": 5, "points_spent": 0, "stored_value_in": D("1.50"), "stored_value_out": 0,
                      "gifts_issued": 0, "invoices_amount": 0}
