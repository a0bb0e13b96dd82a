"""Pure rules of members/ with the numbers of domain-rules.md §1 (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from members import rules

D = Decimal
GENERAL = ["clothing", "cosmetics", "toys", "grocery", "fresh"]
LUXURY = ["jewellery", "jade", "watches_imported", "tobacco_alcohol", "tea"]
POLICY = rules.PolicyValues(
    policy_id=1,
    category_rates={**{c: (D("1"), D("5")) for c in GENERAL}, **{c: (D("8"), D("40")) for c in LUXURY}},
    counter_rates={"C-1F-LUX": (D("20"), D("40")), "C-2F-08": (D("8"), D("8"))},
    discount_factors={("gold", False): D("0.90"), ("gold", True): D("0.95"),
                      ("platinum", False): D("0.88"), ("platinum", True): D("0.90")},
    rebate_brackets=((1000, D("1")), (3000, D("2")), (6000, D("3")), (10000, D("4"))),
    vouchers={250: D("10"), 600: D("30"), 1000: D("60"), 1500: D("100"), 2500: D("200"), 4000: D("360"), 5000: D("500")},
)


def line(no=1, *, amount="1200.00", list_price=None, category="clothing", counter="C-2F-07", qty=1, bulk=False, fresh=False):
    unit = D(amount)
    return rules.LineFacts(line_no=no, counter=counter, category=category, list_price=D(list_price or amount),
                           unit_price=unit, quantity=qty, bulk_discount=bulk, fresh=fresh)


def points(lines, side="dept", tier="gold", birthday=False, policy=POLICY):
    return rules.receipt_points(side=side, lines=lines, tier=tier, birthday=birthday, policy=policy)


def test_r_pts_1_general_full_price_one_yuan_per_point():
    assert points([line(amount="1200.00")]).points == 1200


def test_r_pts_1_general_special_price_five_yuan_per_point():
    # 500.00 on a 1,000.00 list price is below 80% → special price, 5 yuan = 1 point
    result = points([line(amount="500.00", list_price="1000.00")])
    assert result.points == 100
    assert result.lines[0].special_price is True


def test_r_pts_1_luxury_default_eight_yuan_per_point():
    assert points([line(amount="1000.00", category="jewellery", counter="C-1F-01")]).points == 125


def test_r_pts_1_luxury_counter_20_yuan_per_point():
    result = points([line(amount="1000.00", category="jewellery", counter="C-1F-LUX")])
    assert result.points == 50
    assert result.lines[0].basis == "counter"


def test_r_pts_1_special_price_luxury_40_yuan_per_point():
    assert points([line(amount="4000.00", list_price="6000.00", category="jade", counter="C-1F-02")]).points == 100


def test_r_pts_1_exactly_80_percent_is_full_price():
    assert points([line(amount="800.00", list_price="1000.00")]).points == 800


def test_r_pts_1_floor_per_group_of_same_rate():
    # two lines at 5 yuan/pt: 7.00 + 8.00 = 15.00 → 3 points (not 1 + 1)
    lines = [line(1, amount="7.00", list_price="10.00"), line(2, amount="8.00", list_price="20.00")]
    assert points(lines).points == 3
    assert len(points(lines).groups) == 1


def test_r_pts_2_market_101_eligible_gives_50_points_fresh_and_special_excluded():
    lines = [line(1, amount="101.00", category="grocery"), line(2, amount="30.00", category="fresh", fresh=True),
             line(3, amount="10.00", list_price="20.00", category="grocery")]
    result = points(lines, side="market")
    assert result.points == 50
    assert [ln.basis for ln in result.lines] == ["market", "fresh", "special_price"]


def test_r_pts_3_bulk_discount_earns_nothing():
    result = points([line(amount="1200.00", bulk=True)])
    assert result.points == 0 and result.lines[0].basis == "bulk_discount"


def test_r_pts_3_promotion_multiplier_overrides_counter_rate_then_birthday_on_top():
    promo = rules.Promotion(id=1, name="双倍积分周", side="dept", counters=frozenset({"C-2F-07"}), multiplier=2)
    policy = rules.PolicyValues(**{**POLICY.__dict__, "promotions": (promo,)})
    assert points([line(amount="100.00")], policy=policy).points == 200
    assert points([line(amount="100.00")], policy=policy, tier="platinum", birthday=True).points == 600


def test_r_pts_3_promotion_own_rate():
    promo = rules.Promotion(id=1, name="化妆品节", side="dept", categories=frozenset({"cosmetics"}), yuan_per_point=D("0.5"))
    policy = rules.PolicyValues(**{**POLICY.__dict__, "promotions": (promo,)})
    assert points([line(amount="100.00", category="cosmetics")], policy=policy).points == 200


def test_r_vip_9_gold_birthday_1200_clothing_gives_2400():
    assert points([line(amount="1200.00")], birthday=True).points == 2400


def test_r_vip_9_platinum_birthday_triple():
    assert points([line(amount="1200.00")], tier="platinum", birthday=True).points == 3600


def test_r_vip_9_birthday_29_february_on_28th_in_common_year():
    assert rules.is_birthday(birthday=dt.date(2000, 2, 29), day=dt.date(2026, 2, 28))
    assert not rules.is_birthday(birthday=dt.date(2000, 2, 29), day=dt.date(2028, 2, 28))


@pytest.mark.parametrize(("tier", "unit", "expected"), [
    ("gold", "1000.00", "900.00"), ("platinum", "1000.00", "880.00"),
    ("gold", "500.00", "475.00"), ("platinum", "500.00", "450.00"),
])
def test_r_vip_8_member_price(tier, unit, expected):
    price = rules.member_price(line=line(amount=unit, list_price="1000.00"), tier=tier, policy=POLICY)
    assert price.amount == D(expected)


def test_r_vip_8_bulk_line_no_member_discount():
    assert rules.member_price(line=line(amount="100.00", bulk=True), tier="gold", policy=POLICY).amount == D("100.00")


@pytest.mark.parametrize(("pts", "stored"), [(999, "0.00"), (1000, "10.00"), (2999, "29.99"), (3500, "70.00"),
                                               (6000, "180.00"), (10000, "400.00")])
def test_r_rbt_1_rebate_brackets(pts, stored):
    assert rules.rebate_for_points(points=pts, brackets=POLICY.rebate_brackets) == D(stored)


def test_r_rbt_2_voucher_table():
    assert rules.voucher_value(points=600, table=POLICY.vouchers) == D("30")
    assert rules.voucher_value(points=4000, table=POLICY.vouchers) == D("360")
    assert rules.voucher_value(points=700, table=POLICY.vouchers) is None


@pytest.mark.parametrize(("kind", "total", "tier", "cards"), [
    ("daily_spend", "799.99", None, 0), ("daily_spend", "800.00", "gold", 1), ("daily_spend", "10000.00", "platinum", 1),
    ("group_purchase", "6500.00", "gold", 3), ("group_purchase", "4999.99", None, 0), ("group_purchase", "10000.01", None, 0),
    ("prepaid_cards", "250000.00", "platinum", 2), ("prepaid_cards", "900000.00", "platinum", 5),
    ("prepaid_cards", "99999.99", None, 0),
])
def test_r_vip_1_2_3_qualification(kind, total, tier, cards):
    result = rules.qualification_for(kind=kind, total=D(total), policy=POLICY)
    assert (result.tier, result.cards) == (tier, cards)


def test_r_vip_4_upgrade_at_30000():
    assert rules.upgrade_due(tier="gold", year_spend=D("30000.00"), policy=POLICY)
    assert not rules.upgrade_due(tier="gold", year_spend=D("29999.99"), policy=POLICY)
    assert not rules.upgrade_due(tier="platinum", year_spend=D("50000.00"), policy=POLICY)


def test_r_vip_6_phone_and_id_card_check_digit():
    assert rules.phone_valid("13800138000")
    assert not rules.phone_valid("23800138000") and not rules.phone_valid("1380013800")
    assert rules.id_card_valid("11010519491231002X")
    assert not rules.id_card_valid("110105194912310021")


def test_r_vip_7_masks():
    assert rules.mask_id_number("110105194912311234") == "110105********1234"
    assert rules.mask_phone("13812345678") == "138****5678"


def test_r_card_3_stock_low_below_threshold():
    assert rules.card_stock_low(on_hand=199, policy=POLICY) and not rules.card_stock_low(on_hand=200, policy=POLICY)


def test_reversal_points_partial_return_same_multiplier():
    lines = [line(1, amount="100.00", qty=3)]
    # earned 300 × 2 (birthday) = 600; returning one of three takes back 200
    assert rules.reversal_points(side="dept", lines=lines, tier="gold", birthday_multiplier=2, earned=600,
                                 already_returned={}, returned={1: 1}, policy=POLICY) == 200
    assert rules.reversal_points(side="dept", lines=lines, tier="gold", birthday_multiplier=2, earned=600,
                                 already_returned={1: 1}, returned={1: 2}, policy=POLICY) == 400


def test_r_ret_13_shortfall_cash_value_per_wallet():
    # the returns policy's value of a point: 0.01 a department-store point, 0.04 a supermarket point
    assert rules.shortfall_cash_value(shortfall_points=150, rate=Decimal("0.01")) == Decimal("1.50")
    assert rules.shortfall_cash_value(shortfall_points=150, rate=Decimal("0.04")) == Decimal("6.00")


def test_r_vip_1_2_3_a_receipt_qualifies_one_daily_card_or_several_of_its_own_purchase_kind():
    assert rules.qualification_reuse_refused(kind="daily_spend", earlier_kinds=set()) is False
    assert rules.qualification_reuse_refused(kind="daily_spend", earlier_kinds={"daily_spend"}) is True
    assert rules.qualification_reuse_refused(kind="group_purchase", earlier_kinds={"group_purchase"}) is False
    assert rules.qualification_reuse_refused(kind="group_purchase", earlier_kinds={"daily_spend"}) is True
    assert rules.qualification_reuse_refused(kind="prepaid_cards", earlier_kinds={"group_purchase"}) is True


def test_points_explanation_as_dict_is_what_asdict_gives():
    """The stored explanation (ReceiptPoints.explanation) keeps its shape: the hand-written as_dict (issue 16)
    answers every field of the result, its lines and groups, as dataclasses.asdict would."""
    import dataclasses
    import json

    result = points([line(1), line(2, category="cosmetics", amount="399.00"), line(3, bulk=True)], birthday=True)
    assert result.lines and result.groups
    assert json.dumps(result.as_dict(), sort_keys=True) == json.dumps(dataclasses.asdict(result), sort_keys=True)
