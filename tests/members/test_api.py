"""Members API exactly as api-contract.md (R-VIP-1,2,3,5,6,7,8; R-RBT-2; R-CARD-1,2)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import Card, CardStock, PointsEntry, Voucher
from tests.factories.members import CardFactory, MemberFactory, card_with_balance
from tests.factories.receipts import ReceiptFactory

URL = "/api/v1/members/"


def enrol_body(*, receipts=(), tier="gold", kind="daily_spend", id_number="11010519491231002X", phone="13800138000", **extra):
    return {"name": "王芳", "phone": phone, "address": "北京市朝阳区建国路88号", "id_type": "id_card",
            "id_number": id_number, "birthday": "1990-05-17", "tier": tier,
            "qualification": {"kind": kind, "receipts": [{"side": r.side, "number": r.number} for r in receipts], **extra}}


@pytest.fixture
def desk(api_as, clerk):
    return api_as(clerk)


def test_r_vip_1_gold_card_for_800_on_one_day(desk, card_stock):
    receipts = [ReceiptFactory(total=Decimal("500.00")), ReceiptFactory(side="market", number="M1", total=Decimal("300.00"))]
    r = desk.post(URL, enrol_body(receipts=receipts), format="json")
    assert r.status_code == 201, r.content
    assert r.json()["tier"] == "gold" and r.json()["status"] == "active" and len(r.json()["card_number"]) == 13
    assert CardStock.objects.get().on_hand == 499  # R-CARD-3: one blank card used


def test_r_vip_1_799_99_refused(desk, card_stock):
    r = desk.post(URL, enrol_body(receipts=[ReceiptFactory(total=Decimal("799.99"))]), format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-VIP-1"
    assert not Card.objects.exists()


def test_r_vip_1_receipts_of_two_days_refused(desk, card_stock):
    old = ReceiptFactory(total=Decimal("500.00"), rung_at=timezone.now() - dt.timedelta(days=2))
    r = desk.post(URL, enrol_body(receipts=[old, ReceiptFactory(total=Decimal("500.00"))]), format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-VIP-1"


def test_r_vip_1_receipt_used_twice_refused(desk, card_stock):
    receipt = ReceiptFactory(total=Decimal("900.00"))
    assert desk.post(URL, enrol_body(receipts=[receipt]), format="json").status_code == 201
    r = desk.post(URL, enrol_body(receipts=[receipt], id_number="110105199001011232", phone="13900139000"), format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-VIP-1"


def test_r_vip_3_platinum_needs_10000(desk, card_stock):
    r = desk.post(URL, enrol_body(receipts=[ReceiptFactory(total=Decimal("9999.99"))], tier="platinum"), format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-VIP-3"
    r = desk.post(URL, enrol_body(receipts=[ReceiptFactory(total=Decimal("10000.00"))], tier="platinum"), format="json")
    assert r.status_code == 201 and r.json()["tier"] == "platinum"


def test_r_vip_2_group_purchase_6500_gives_three_cards(desk, card_stock):
    receipt = ReceiptFactory(total=Decimal("6500.00"))
    ids = ["110105199001011232", "11010519491231002X", "110105198001010016", "110105197001010011"]
    codes = [desk.post(URL, enrol_body(receipts=[receipt], kind="group_purchase", id_number=i, phone=f"1390013900{n}"),
                       format="json") for n, i in enumerate(ids)]
    assert [c.status_code for c in codes] == [201, 201, 201, 400]
    assert codes[3].json()["code"] == "R-VIP-2"


def test_r_vip_3_prepaid_cards_one_per_100000_max_5(desk, card_stock):
    receipt = ReceiptFactory(total=Decimal("200000.00"), payment_method="cash")
    first = desk.post(URL, enrol_body(receipts=[receipt], kind="prepaid_cards", tier="platinum"), format="json")
    second = desk.post(URL, enrol_body(receipts=[receipt], kind="prepaid_cards", tier="platinum",
                                       id_number="110105199001011232", phone="13900139000"), format="json")
    third = desk.post(URL, enrol_body(receipts=[receipt], kind="prepaid_cards", tier="platinum",
                                      id_number="110105198001010016", phone="13900139001"), format="json")
    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 400)
    assert third.json()["code"] == "R-VIP-3"


def test_r_vip_5_legacy_card_swapped_once(desk, card_stock):
    r = desk.post(URL, enrol_body(kind="legacy_card", legacy_card_number="CS-000123"), format="json")
    assert r.status_code == 201
    assert Card.objects.get().legacy_card_number == "CS-000123"
    r = desk.post(URL, enrol_body(kind="legacy_card", legacy_card_number="CS-000123", id_number="110105199001011232"),
                  format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-VIP-5"


@pytest.mark.parametrize(("field", "value"), [("id_number", "110105194912310021"), ("phone", "2380013800"),
                                              ("name", ""), ("address", "")])
def test_r_vip_6_invalid_application_data(desk, card_stock, field, value):
    payload = enrol_body(receipts=[ReceiptFactory(total=Decimal("900.00"))])
    payload[field] = value
    r = desk.post(URL, payload, format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-VIP-6" and field in r.json()["fields"]


def test_r_vip_6_duplicate_enrolment_refused(desk, card_stock):
    assert desk.post(URL, enrol_body(receipts=[ReceiptFactory(total=Decimal("900.00"))]), format="json").status_code == 201
    r = desk.post(URL, enrol_body(receipts=[ReceiptFactory(total=Decimal("900.00"))]), format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-VIP-6"


def test_r_card_3_no_stock_no_card(desk, db):
    CardStock.objects.update(on_hand=0)
    r = desk.post(URL, enrol_body(receipts=[ReceiptFactory(total=Decimal("900.00"))]), format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-CARD-3"


def test_get_member_masks_phone_r_vip_7(desk, db):
    card = card_with_balance(dept=120, market=30, stored=Decimal("12.50"),
                             member=MemberFactory(phone="13812345678", birthday=dt.date(1990, 5, 17)))
    ReceiptFactory(card_number=card.card_number, total=Decimal("888.00"))
    r = desk.get(f"{URL}{card.card_number}/")
    assert r.json() == {"card_number": card.card_number, "tier": "gold", "status": "active", "name": card.member.name,
                        "phone": "138****5678", "dept_points": 120, "market_points": 30, "stored_value": "12.50",
                        "year_spend": "888.00", "birthday": "1990-05-17"}
    assert desk.get(f"{URL}8800000009999/").status_code == 404


def test_ledger_paginated(desk, db):
    card = card_with_balance(dept=100, stored=Decimal("5.00"))
    r = desk.get(f"{URL}{card.card_number}/ledger/?page_size=1")
    assert set(r.json()) >= {"results", "next"} and r.json()["next"]
    row = r.json()["results"][0]
    assert set(row) == {"at", "wallet", "kind", "points", "amount", "balance_after", "reference", "by"}
    assert row["wallet"] == "stored_value" and row["balance_after"] == "5.00"


def test_r_rbt_2_voucher_600_points_for_30(desk, db):
    card = card_with_balance(market=700)
    r = desk.post(f"{URL}{card.card_number}/vouchers/", {"points": 600}, format="json")
    assert r.status_code == 201
    assert r.json()["value"] == "30.00" and r.json()["market_points"] == 100 and r.json()["serial"].startswith("LW")
    assert Voucher.objects.get().serial == r.json()["serial"]


@pytest.mark.parametrize("points", [700, 1000])
def test_r_rbt_2_voucher_off_table_or_over_balance_400(desk, db, points):
    card = card_with_balance(market=700)
    r = desk.post(f"{URL}{card.card_number}/vouchers/", {"points": points}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-RBT-2"
    assert Card.objects.get(pk=card.pk).market_points == 700


def test_r_pts_5_dept_points_never_buy_market_vouchers(desk, db):
    card = card_with_balance(dept=5000, market=100)
    r = desk.post(f"{URL}{card.card_number}/vouchers/", {"points": 250}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-RBT-2"
    card.refresh_from_db()
    assert (card.dept_points, card.market_points) == (5000, 100)


def test_r_card_1_lost_card_replaced_with_fee_and_transfer(desk, card_stock):
    card = card_with_balance(dept=1234, market=56, stored=Decimal("70.00"), member=MemberFactory(id_number="E123"))
    r = desk.post(f"{URL}{card.card_number}/replace/", {"reason": "lost", "id_number": "E123"}, format="json")
    assert r.status_code == 201
    assert r.json()["old_card_number"] == card.card_number and r.json()["fee"] == "5.00"
    new = Card.objects.get(card_number=r.json()["card_number"])
    old = Card.objects.get(pk=card.pk)
    assert (new.dept_points, new.market_points, new.stored_value) == (1234, 56, Decimal("70.00"))
    assert (old.status, old.dept_points, old.stored_value) == ("blocked", 0, Decimal("0.00"))
    assert PointsEntry.objects.filter(card=old, kind="transfer_out").count() == 3
    assert PointsEntry.objects.filter(card=new, kind="transfer_in").count() == 3


def test_r_card_1_wrong_id_refused(desk, card_stock):
    card = CardFactory(member=MemberFactory(id_number="E123"))
    r = desk.post(f"{URL}{card.card_number}/replace/", {"reason": "lost", "id_number": "E999"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-CARD-1"


def test_r_card_2_damaged_card_free(desk, card_stock):
    card = CardFactory()
    r = desk.post(f"{URL}{card.card_number}/replace/", {"reason": "damaged"}, format="json")
    assert r.status_code == 201 and r.json()["fee"] == "0.00"
    assert desk.post(f"{URL}{card.card_number}/replace/", {"reason": "damaged"}, format="json").status_code == 409


def test_r_pts_4_adjust_needs_supervisor_and_reason(api_as, clerk, supervisor, db):
    card = CardFactory()
    url = f"{URL}{card.card_number}/adjust/"
    assert api_as(clerk).post(url, {"wallet": "dept", "points": 50, "reason": "x"}, format="json").status_code == 403
    r = api_as(supervisor).post(url, {"wallet": "dept", "points": 50, "reason": ""}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-PTS-4"
    r = api_as(supervisor).post(url, {"wallet": "dept", "points": 50, "reason": "收银机故障漏积分"}, format="json")
    assert r.status_code == 201 and r.json()["dept_points"] == 50


def test_r_rbt_3_points_for_gift(desk, db):
    card = card_with_balance(dept=500)
    r = desk.post(f"{URL}{card.card_number}/redeem/", {"points": 300, "reference": "积分换礼"}, format="json")
    assert r.status_code == 201 and r.json()["dept_points"] == 200
    r = desk.post(f"{URL}{card.card_number}/redeem/", {"points": 300}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-RBT-3"


def test_r_vip_8_pricing_quote(api_as, user_in_role, db):
    card = CardFactory(tier="platinum")
    lines = [{"line_no": 1, "sku": "1", "counter": "C", "category": "clothing", "list_price": "1000.00",
              "unit_price": "1000.00", "quantity": 2},
             {"line_no": 2, "sku": "2", "counter": "C", "category": "clothing", "list_price": "1000.00",
              "unit_price": "500.00", "quantity": 1},
             {"line_no": 3, "sku": "3", "counter": "C", "category": "clothing", "list_price": "100.00",
              "unit_price": "100.00", "quantity": 1, "bulk_discount": True}]
    r = api_as(user_in_role("pos")).post("/api/v1/pricing/quote/", {"card_number": card.card_number, "lines": lines},
                                         format="json")
    assert r.status_code == 200
    assert [ln["amount"] for ln in r.json()["lines"]] == ["1760.00", "450.00", "100.00"]
    assert r.json()["total"] == "2310.00"
    bad = api_as(user_in_role("pos")).post("/api/v1/pricing/quote/", {"card_number": "nope", "lines": lines}, format="json")
    assert bad.json()["code"] == "card_not_usable"
