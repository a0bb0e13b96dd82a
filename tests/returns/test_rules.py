"""Pure rules of domain-rules.md §3: every window on both sides, the price rule both ways, 300.00 vs 300.01."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from returns import rules
from returns.rules import ClawbackFacts, Condition, LineFacts, LineRequest, PolicyFacts, ReturnInputError

POLICY = PolicyFacts(
    change_of_mind_days={"clothing_summer": 7, "clothing": 15, "cosmetics": 7},
    quality_days={"toys": 15, "shoes_leather": 60, "shoes_other": 30},
    excluded_categories=("underwear", "jewellery", "watches_imported", "fur"),
    opened_excluded_categories=("cosmetics",),
    high_value_unit_price=Decimal("2000.00"),
    price_change_days=15,
    approval_threshold=Decimal("300.00"),
    point_cash_value={"dept": Decimal("0.01"), "market": Decimal("0.04")},
)
BOUGHT = date(2026, 11, 1)


def decide(category="clothing", price="200.00", *, day=0, reason="change_of_mind", condition=Condition(), qty=1,
           bought=1, returned=0, report="", current=None, policy=POLICY, clawback=None):
    line = LineFacts(1, category, Decimal(price), bought, returned)
    return rules.return_decide(
        lines=[line], requests=[LineRequest(1, qty, None if current is None else Decimal(current))], reason=reason,
        condition=condition, quality_report_ref=report, purchased_on=BOUGHT, today=BOUGHT + timedelta(days=day),
        policy=policy, clawback=clawback)


@pytest.mark.parametrize(("category", "last_day"), [("clothing_summer", 7), ("clothing", 15), ("cosmetics", 7)])
def test_r_ret_5_change_of_mind_window_last_day_allowed_next_day_refused(category, last_day):
    inside = decide(category, day=last_day)
    outside = decide(category, day=last_day + 1)
    assert inside.eligible and "R-RET-5" in inside.rules
    assert not outside.eligible and outside.rules == ("R-RET-5",)
    assert outside.approval_level is None and outside.refund_amount == Decimal("0.00")


def test_r_ret_5_purchase_day_is_day_0():
    assert rules.days_since_purchase(purchased_on=date(2026, 11, 1), today=date(2026, 11, 1)) == 0
    assert rules.days_since_purchase(purchased_on=date(2026, 11, 1), today=date(2026, 11, 8)) == 7


@pytest.mark.parametrize("cond", [Condition(tags_intact=False), Condition(unused=False), Condition(clean=False)])
def test_r_ret_5_change_of_mind_needs_original_condition(cond):
    decision = decide("clothing", day=3, condition=cond)
    assert not decision.eligible and decision.rules == ("R-RET-5",)


def test_r_ret_5_goods_without_window_have_no_change_of_mind_but_quality_applies():
    assert decide("bedding", day=1).rules == ("R-RET-5",)
    assert not decide("bedding", day=1).eligible
    quality = decide("bedding", day=100, reason="quality", current="200.00")
    assert quality.eligible and "R-RET-10" in quality.rules


def test_r_ret_5_unopened_cosmetics_7_days_opened_excluded_r_ret_3():
    assert decide("cosmetics", day=7).eligible
    opened = decide("cosmetics", day=1, condition=Condition(opened=True))
    assert not opened.eligible and opened.rules == ("R-RET-3",)
    assert decide("cosmetics", day=1, condition=Condition(opened=True), reason="quality").eligible


@pytest.mark.parametrize("category", ["underwear", "jewellery", "watches_imported", "fur"])
def test_r_ret_3_excluded_goods_only_with_quality_problem(category):
    refused = decide(category, "500.00", day=1)
    assert not refused.eligible and refused.rules == ("R-RET-3",)
    assert decide(category, "500.00", day=1, reason="quality").eligible


@pytest.mark.parametrize("cond", [Condition(altered=True), Condition(clearance=True)])
def test_r_ret_3_altered_and_clearance_excluded(cond):
    assert decide("clothing", day=1, condition=cond).rules == ("R-RET-3",)
    assert decide("clothing", day=1, condition=cond, reason="quality").eligible


def test_r_ret_1_no_sales_slip_no_return():
    decision = decide(day=1, condition=Condition(sales_slip=False), reason="quality")
    assert not decision.eligible and decision.rules == ("R-RET-1",)


def test_r_ret_2_misuse_never_returned():
    decision = decide(day=1, reason="misuse")
    assert not decision.eligible and decision.rules == ("R-RET-2",)


def test_r_ret_4_high_value_2000_00_allowed_2000_01_refused_without_quality():
    assert decide("clothing", "2000.00", day=1).eligible
    refused = decide("clothing", "2000.01", day=1)
    assert not refused.eligible and refused.rules == ("R-RET-4",)


def test_r_ret_4_high_value_quality_needs_report():
    no_report = decide("clothing", "2500.00", day=1, reason="quality")
    assert not no_report.eligible and no_report.rules == ("R-RET-4",)
    with_report = decide("clothing", "2500.00", day=1, reason="quality", report="QC-2026-118")
    assert with_report.eligible and {"R-RET-4", "R-RET-10"} <= set(with_report.rules)
    assert with_report.approval_level == "ops_manager"


def test_r_ret_6_toys_quality_day_15_allowed_day_16_refused():
    ok = decide("toys", "99.00", day=15, reason="quality")
    assert ok.eligible and "R-RET-6" in ok.rules
    late = decide("toys", "99.00", day=16, reason="quality")
    assert not late.eligible and late.rules == ("R-RET-6",)
    assert not decide("toys", "99.00", day=1).eligible  # no change of mind for toys


@pytest.mark.parametrize(("category", "last_day"), [("shoes_leather", 60), ("shoes_other", 30)])
def test_r_ret_7_footwear_warranty_both_sides(category, last_day):
    ok = decide(category, "450.00", day=last_day, reason="quality", current="450.00")
    assert ok.eligible and "R-RET-7" in ok.rules
    late = decide(category, "450.00", day=last_day + 1, reason="quality", current="450.00")
    assert not late.eligible and late.rules == ("R-RET-7",)


def test_r_ret_8_within_15_days_price_paid_even_if_fallen():
    decision = decide("clothing", "200.00", day=15, current="150.00", qty=2, bought=2)
    assert decision.lines[0].refund_unit_price == Decimal("200.00")
    assert decision.refund_amount == Decimal("400.00")


def test_r_ret_8_after_15_days_fallen_price_refunds_new_lower_price():
    decision = decide("shoes_leather", "500.00", day=16, reason="quality", current="380.00")
    assert decision.lines[0].refund_unit_price == Decimal("380.00")
    assert decision.refund_amount == Decimal("380.00")
    assert "R-RET-8" in decision.rules


def test_r_ret_8_after_15_days_risen_price_refunds_price_paid():
    decision = decide("shoes_leather", "500.00", day=16, reason="quality", current="650.00")
    assert decision.refund_amount == Decimal("500.00")


def test_r_ret_8_after_15_days_no_current_price_means_unchanged():
    """R-RET-8 as now written: no current price given → the price is taken as unchanged (refund at paid)."""
    decision = decide("shoes_leather", "500.00", day=16, reason="quality")
    assert decision.eligible and "R-RET-8" in decision.rules
    assert decision.refund_amount == Decimal("500.00")
    assert decision.lines[0].refund_unit_price == Decimal("500.00")
    fallen = decide("shoes_leather", "500.00", day=16, reason="quality", current="420.00")
    assert fallen.refund_amount == Decimal("420.00")


def test_r_ret_9_store_at_fault_allowed_even_outside_windows_and_excluded():
    for reason in ("price_tag_misleading", "staff_misleading"):
        decision = decide("jewellery", "2600.00", day=40, reason=reason, current="2600.00")
        assert decision.eligible and "R-RET-9" in decision.rules and "R-RET-8" in decision.rules


def test_r_ret_10_quality_refund_without_conditions():
    decision = decide("bedding", "120.00", day=3, reason="quality", condition=Condition(tags_intact=False, unused=False))
    assert decision.eligible and decision.rules == ("R-RET-8", "R-RET-10", "R-RET-11")


def test_r_ret_11_threshold_300_00_supervisor_300_01_ops_manager():
    assert decide("clothing", "300.00", day=1).approval_level == "dept_supervisor"
    assert decide("clothing", "300.01", day=1).approval_level == "ops_manager"
    assert decide("clothing", "150.00", day=1, qty=2, bought=2).approval_level == "dept_supervisor"


def test_r_ret_11_threshold_is_policy_data():
    policy = PolicyFacts(**{**POLICY.__dict__, "approval_threshold": Decimal("500.00")})
    assert decide("clothing", "450.00", day=1, policy=policy).approval_level == "dept_supervisor"


def test_r_ret_13_clawback_deducted_and_points_reported():
    decision = decide("clothing", "300.00", day=1, clawback=ClawbackFacts(points_reversed=250, cash_amount=Decimal("0.50")))
    assert decision.points_reversed == 250 and decision.clawback_amount == Decimal("0.50")
    assert decision.net_refund == Decimal("299.50") and "R-RET-13" in decision.rules


def test_quantity_beyond_receipt_refused():
    with pytest.raises(ReturnInputError) as exc:
        decide(qty=2, bought=2, returned=1, day=1)
    assert exc.value.code == "quantity_exceeds_receipt"


def test_one_ineligible_line_refuses_the_slip_with_its_rule_only():
    lines = [LineFacts(1, "clothing", Decimal("100.00"), 1), LineFacts(2, "underwear", Decimal("80.00"), 1)]
    decision = rules.return_decide(lines=lines, requests=[LineRequest(1, 1), LineRequest(2, 1)],
                                   reason="change_of_mind", condition=Condition(), quality_report_ref="",
                                   purchased_on=BOUGHT, today=BOUGHT, policy=POLICY)
    assert not decision.eligible and decision.rules == ("R-RET-3",)


@pytest.mark.parametrize(("step", "status", "perms", "creator", "level", "expected"), [
    ("approve", "awaiting_approval", {"returns.approve_return"}, False, "dept_supervisor", None),
    ("approve", "awaiting_approval", {"returns.approve_return"}, True, "dept_supervisor", (403, "R-RET-11")),
    ("approve", "awaiting_approval", {"returns.approve_return"}, False, "ops_manager", (403, "R-RET-11")),
    ("approve", "awaiting_approval", {"returns.approve_return", "returns.approve_over_limit"}, False, "ops_manager", None),
    ("approve", "awaiting_counter_check", {"returns.approve_return"}, False, "dept_supervisor", (409, "R-RET-12")),
    ("approve", "awaiting_approval", {"returns.add_returnrequest"}, False, "dept_supervisor", (403, "R-RET-12")),
    ("refund", "awaiting_loss_prevention", {"returns.refund_return"}, False, "dept_supervisor", (409, "R-RET-12")),
    ("counter_check", "awaiting_counter_check", {"returns.counter_check"}, True, "ops_manager", None),
])
def test_r_ret_12_sign_refusal_table(step, status, perms, creator, level, expected):
    assert rules.sign_refusal(step=step, status=status, approval_level=level, is_creator=creator,
                              perms=frozenset(perms)) == expected


def test_r_ret_12_chain_order():
    chain = [rules.SIGN_STEPS[s] for s in ("counter_check", "approve", "loss_prevention", "refund")]
    assert [t.source for t in chain[1:]] == [t.target for t in chain[:-1]]
    assert chain[0].source == "awaiting_counter_check" and chain[-1].target == "refunded"
