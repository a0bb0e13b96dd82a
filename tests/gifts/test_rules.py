"""Pure rules of gifts/ with the rules' own numbers (no database)."""

import datetime as dt
from decimal import Decimal

from gifts import rules

D = Decimal
RULE = rules.CampaignRule("C-2026-12", "dept", dt.date(2026, 12, 1), dt.date(2026, 12, 31), ("clothing",), D("500.00"))


def coat(quantity=1, returned=0, price="1200.00", category="clothing", no=1):
    return rules.LineFacts(no, category, D(price), quantity, returned)


def test_r_gift_3_a_1200_clothing_receipt_qualifies_for_the_500_campaign():
    q = rules.receipt_qualification(rule=RULE, side="dept", rung_on=dt.date(2026, 12, 5), lines=[coat()])
    assert q.qualifies and q.spend == D("1200.00") and q.shortfall == D("0.00")
    assert q.counted_lines == ((1, D("1200.00")),)


def test_r_gift_3_only_lines_of_the_campaign_categories_count_and_the_shortfall_is_named():
    lines = [coat(price="300.00"), coat(price="900.00", category="cosmetics", no=2)]
    q = rules.receipt_qualification(rule=RULE, side="dept", rung_on=dt.date(2026, 12, 5), lines=lines)
    assert not q.qualifies and q.reason == "below_min_spend"
    assert q.spend == D("300.00") and q.shortfall == D("200.00") and q.ignored_lines == (2,)


def test_r_gift_3_empty_categories_means_every_category():
    rule = rules.CampaignRule("C", "dept", dt.date(2026, 12, 1), dt.date(2026, 12, 31), (), D("500.00"))
    lines = [coat(price="300.00"), coat(price="200.00", category="cosmetics", no=2)]
    assert rules.receipt_qualification(rule=rule, side="dept", rung_on=dt.date(2026, 12, 1), lines=lines).qualifies


def test_r_gift_3_dates_are_inclusive_and_the_side_must_match():
    for day, ok in ((dt.date(2026, 11, 30), False), (dt.date(2026, 12, 1), True), (dt.date(2026, 12, 31), True),
                    (dt.date(2027, 1, 1), False)):
        q = rules.receipt_qualification(rule=RULE, side="dept", rung_on=day, lines=[coat()])
        assert q.qualifies is ok, day
    q = rules.receipt_qualification(rule=RULE, side="market", rung_on=dt.date(2026, 12, 5), lines=[coat()])
    assert q.reason == "wrong_side"


def test_r_gift_3_spend_is_net_of_refunded_pieces():
    # 3 × 200.00 = 600.00, one piece refunded → 400.00 < 500.00
    q = rules.receipt_qualification(rule=RULE, side="dept", rung_on=dt.date(2026, 12, 5),
                                    lines=[coat(quantity=3, returned=1, price="200.00")])
    assert not q.qualifies and q.spend == D("400.00") and q.shortfall == D("100.00")


def test_r_ret_13_clawback_only_when_the_return_takes_the_receipt_below_the_minimum():
    # 1,200.00 of clothing: 400.00 + 800.00 on two lines
    lines = [coat(price="800.00"), coat(price="400.00", no=2)]
    assert rules.gift_clawed_back(rule=RULE, lines=lines, returned={1: 1})  # 400.00 left < 500.00
    # a 300.00 line instead: 900.00 left, still qualifying → nothing
    lines = [coat(price="900.00"), coat(price="300.00", no=2)]
    assert not rules.gift_clawed_back(rule=RULE, lines=lines, returned={2: 1})


def test_r_ret_13_the_gift_value_is_deducted_unless_handed_back():
    assert rules.clawback_cash(unit_value=D("39.00"), quantity=1, handed_back=False) == D("39.00")
    assert rules.clawback_cash(unit_value=D("39.00"), quantity=2, handed_back=False) == D("78.00")
    assert rules.clawback_cash(unit_value=D("39.00"), quantity=1, handed_back=True) == D("0.00")


def test_r_gift_2_stock_never_goes_negative():
    assert rules.stock_after(on_hand=1, quantity=-1) == 0
    assert rules.stock_after(on_hand=0, quantity=-1) is None
    assert rules.stock_after(on_hand=5, quantity=3) == 8


def test_r_gift_7_variance_against_the_ledger():
    assert rules.stocktake_status(expected=100, counted=95) == (-5, "needs_explanation")
    assert rules.stocktake_status(expected=100, counted=100) == (0, "balanced")
    assert rules.stocktake_status(expected=100, counted=101) == (1, "needs_explanation")


def test_r_gift_5_birthday_gift_offered_on_the_day_once_a_year():
    bday = dt.date(1990, 5, 17)
    assert rules.birthday_due(birthday=bday, today=dt.date(2026, 5, 17), window_days=0, collected_this_year=False)
    assert not rules.birthday_due(birthday=bday, today=dt.date(2026, 5, 18), window_days=0, collected_this_year=False)
    assert rules.birthday_due(birthday=bday, today=dt.date(2026, 5, 20), window_days=3, collected_this_year=False)
    assert not rules.birthday_due(birthday=bday, today=dt.date(2026, 5, 17), window_days=0, collected_this_year=True)
    assert rules.birthday_due(birthday=dt.date(1992, 2, 29), today=dt.date(2026, 2, 28), window_days=0,
                              collected_this_year=False)
    assert not rules.birthday_due(birthday=None, today=dt.date(2026, 5, 17), window_days=0, collected_this_year=False)
