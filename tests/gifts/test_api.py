"""The contract's gift endpoints (api-contract.md, Gifts), every error code, with the rules' numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gifts.models import GiftIssue, GiftItem, GiftStockEntry
from tests.factories.gifts import GiftCampaignFactory, GiftItemFactory, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_api(api_as, clerk):
    return api_as(clerk)


@pytest.fixture
def sup_api(api_as, supervisor):
    return api_as(supervisor)


def issue(api, campaign, receipt):
    return api.post("/api/v1/gifts/issues/", {"campaign": campaign.code,
                                              "receipt": {"side": receipt.side, "number": receipt.number}},
                    format="json")


# ---------------------------------------------------------------- items and campaigns

def test_items_are_created_by_the_supervisor_and_read_by_clerks(sup_api, clerk_api):
    response = sup_api.post("/api/v1/gifts/items/", {"code": "G-UMB-01", "name": "折叠伞", "unit_value": "39.00"},
                            format="json")
    assert response.status_code == 201
    assert response.json() == {"code": "G-UMB-01", "name": "折叠伞", "unit_value": "39.00", "on_hand": 0}
    assert clerk_api.get("/api/v1/gifts/items/G-UMB-01/").json()["on_hand"] == 0
    forbidden = clerk_api.post("/api/v1/gifts/items/", {"code": "G-X", "name": "x", "unit_value": "1.00"}, format="json")
    assert forbidden.status_code == 403
    assert sup_api.post("/api/v1/gifts/items/", {"code": "G-UMB-01", "name": "折叠伞", "unit_value": "39.00"},
                        format="json").status_code == 409
    bad = sup_api.post("/api/v1/gifts/items/", {"code": "G-Y", "name": "y", "unit_value": "abc"}, format="json")
    assert bad.status_code == 400 and "unit_value" in bad.json()["fields"]
    assert clerk_api.get("/api/v1/gifts/items/NOPE/").status_code == 404


def test_campaign_create_as_in_the_contract(sup_api, clerk_api, umbrella):
    from complaints.models import Department

    Department.objects.create(code="clothing", name="服装部")
    body = {"code": "C-2026-12", "name": "满500送伞", "starts_on": "2026-12-01", "ends_on": "2026-12-31", "side": "dept",
            "categories": ["clothing"], "min_spend": "500.00", "gift_item": "G-UMB-01", "quantity": 1,
            "owner_department": "clothing"}
    assert clerk_api.post("/api/v1/gifts/campaigns/", body, format="json").status_code == 403
    response = sup_api.post("/api/v1/gifts/campaigns/", body, format="json")
    assert response.status_code == 201 and response.json() == {"code": "C-2026-12", "status": "open"}
    got = clerk_api.get("/api/v1/gifts/campaigns/C-2026-12/").json()
    assert got["min_spend"] == "500.00" and got["categories"] == ["clothing"] and got["owner_department"] == "clothing"
    for change, field in (({"owner_department": "nobody"}, "owner_department"), ({"gift_item": "G-NONE"}, "gift_item"),
                          ({"categories": ["spaceships"]}, "categories"), ({"ends_on": "2026-11-01"}, "ends_on"),
                          ({"side": "moon"}, "side"), ({"min_spend": "-1.00"}, "min_spend")):
        bad = sup_api.post("/api/v1/gifts/campaigns/", {**body, "code": "C-BAD", **change}, format="json")
        assert bad.status_code == 400 and field in bad.json()["fields"], (change, bad.json())
    null_owner = sup_api.post("/api/v1/gifts/campaigns/", {**body, "code": "C-2", "owner_department": None,
                                                           "categories": []}, format="json")
    assert null_owner.status_code == 201


# ---------------------------------------------------------------- receiving (R-GIFT-1)

def test_r_gift_1_delivery_counts_stock_in_with_its_running_balance(clerk_api, clerk):
    item = GiftItemFactory(code="G-UMB-01")
    response = clerk_api.post("/api/v1/gifts/deliveries/", {"item": "G-UMB-01", "quantity": 100, "note_number": "PS-0001",
                                                            "delivered_by": "服装部 李师傅"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["item"] == "G-UMB-01" and body["quantity"] == 100 and body["balance_after"] == 100
    again = clerk_api.post("/api/v1/gifts/deliveries/", {"item": "G-UMB-01", "quantity": 20, "note_number": "PS-0002",
                                                         "delivered_by": "服装部"}, format="json").json()
    assert again["balance_after"] == 120
    item.refresh_from_db()
    assert item.on_hand == 120
    dup = clerk_api.post("/api/v1/gifts/deliveries/", {"item": "G-UMB-01", "quantity": 5, "note_number": "PS-0001",
                                                       "delivered_by": "x"}, format="json")
    assert dup.status_code == 409 and dup.json()["code"] == "R-GIFT-1"
    for bad in ({"quantity": 0}, {"item": "G-NONE"}, {"note_number": ""}, {"quantity": "many"}):
        r = clerk_api.post("/api/v1/gifts/deliveries/", {"item": "G-UMB-01", "quantity": 5, "note_number": "PS-9",
                                                         "delivered_by": "x", **bad}, format="json")
        assert r.status_code == 400, bad
    pdf = clerk_api.get(f"/api/v1/gifts/deliveries/{body['id']}/note.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_r_gift_1_a_cashier_cannot_receive(api_as, user_in_role):
    GiftItemFactory(code="G-UMB-01")
    r = api_as(user_in_role("cashier")).post("/api/v1/gifts/deliveries/", {
        "item": "G-UMB-01", "quantity": 1, "note_number": "PS-1", "delivered_by": "x"}, format="json")
    assert r.status_code == 403


# ---------------------------------------------------------------- issuing (R-GIFT-3)

def test_r_gift_3_a_1200_clothing_receipt_gets_one_umbrella_once(clerk_api, campaign, make_receipt):
    receipt = make_receipt(lines=[("clothing", "1200.00", 1)])
    response = issue(clerk_api, campaign, receipt)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["campaign"], body["item"], body["quantity"], body["balance_after"]) == ("C-2026-12", "G-UMB-01", 1, 99)
    again = issue(clerk_api, campaign, receipt)
    assert again.status_code == 409 and again.json()["code"] == "R-GIFT-3"
    assert GiftItem.objects.get(code="G-UMB-01").on_hand == 99
    # the receipt API shows the gift (receipt facts, R-GIFT-4)
    answer = clerk_api.get(f"/api/v1/receipts/{receipt.side}/{receipt.number}/").json()
    assert answer["gifts"] == [{"campaign": "C-2026-12", "item": "折叠伞", "quantity": 1, "value": "39.00"}]


def test_r_gift_3_refusals(clerk_api, campaign, make_receipt):
    below = make_receipt(lines=[("clothing", "499.99", 1), ("cosmetics", "800.00", 1)])
    r = issue(clerk_api, campaign, below)
    assert r.status_code == 400 and r.json()["code"] == "R-GIFT-3"
    assert r.json()["fields"]["shortfall"] == ["0.01"]
    old = make_receipt(days_ago=30)
    assert issue(clerk_api, campaign, old).json()["code"] == "R-GIFT-3"
    market = make_receipt(side="market", lines=[("clothing", "900.00", 1)])
    assert issue(clerk_api, campaign, market).json()["code"] == "R-GIFT-3"
    unknown = clerk_api.post("/api/v1/gifts/issues/", {"campaign": campaign.code,
                                                       "receipt": {"side": "dept", "number": "NOPE"}}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "R-GIFT-3"
    no_campaign = clerk_api.post("/api/v1/gifts/issues/", {"campaign": "C-NONE",
                                                           "receipt": {"side": "dept", "number": "x"}}, format="json")
    assert no_campaign.status_code == 400
    neither = clerk_api.post("/api/v1/gifts/issues/", {"campaign": campaign.code}, format="json")
    assert neither.status_code == 400 and "receipt" in neither.json()["fields"]
    garbage = clerk_api.post("/api/v1/gifts/issues/", {"campaign": campaign.code, "receipt": "D1"}, format="json")
    assert garbage.status_code == 400
    assert not GiftIssue.objects.exists() and GiftItem.objects.get(code="G-UMB-01").on_hand == 100


def test_r_gift_3_qualifying_spend_is_net_of_refunds(clerk_api, campaign, make_receipt):
    """A receipt that a refund slip already took below the minimum no longer qualifies."""
    from returns.models import ReturnLine, ReturnPolicy, ReturnRequest

    receipt = make_receipt(lines=[("clothing", "300.00", 3)])  # 900.00
    clerk = GiftIssue._meta.get_field("issued_by").related_model.objects.first()
    rr = ReturnRequest.objects.create(number="TH-NET-1", receipt=receipt, policy=ReturnPolicy.objects.first() or
                                      _return_policy(), kind="refund", reason="change_of_mind", refund_amount="600.00",
                                      approval_level="ops_manager", payment_method="cash", created_by=clerk)
    ReturnLine.objects.create(return_request=rr, receipt_line=receipt.lines.get(line_no=1), quantity=2,
                              paid_unit_price="300.00", refund_unit_price="300.00", refund_amount="600.00")
    r = issue(clerk_api, campaign, receipt)
    assert r.status_code == 400 and r.json()["code"] == "R-GIFT-3" and r.json()["fields"]["shortfall"] == ["200.00"]


def _return_policy():
    from tests.factories.returns import ReturnPolicyFactory

    return ReturnPolicyFactory()


def test_r_gift_2_too_little_stock_is_refused(clerk_api, supervisor, make_receipt):
    item = stock(GiftItemFactory(code="G-LAST"), 1, user=supervisor)
    campaign = GiftCampaignFactory(gift_item=item, quantity=2)
    r = issue(clerk_api, campaign, make_receipt())
    assert r.status_code == 400 and r.json()["code"] == "R-GIFT-2"
    item.refresh_from_db()
    assert item.on_hand == 1 and not GiftIssue.objects.exists()


def test_r_gift_6_a_closed_campaign_issues_nothing(clerk_api, sup_api, campaign, make_receipt):
    assert sup_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/close/").status_code == 200
    r = issue(clerk_api, campaign, make_receipt())
    assert r.status_code == 400 and r.json()["code"] == "R-GIFT-6"


def test_a_role_without_issue_permission_gets_403(api_as, user_in_role, campaign, make_receipt):
    assert issue(api_as(user_in_role("finance")), campaign, make_receipt()).status_code == 403
    assert issue(api_as(user_in_role("cashier")), campaign, make_receipt()).status_code == 403


# ---------------------------------------------------------------- pickup vouchers

def test_r_gift_3_vouchers_printed_unique_across_campaigns_and_collected_once(clerk_api, sup_api, campaign, supervisor):
    other = GiftCampaignFactory(gift_item=campaign.gift_item)
    assert clerk_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/vouchers/", {"count": 3},
                          format="json").status_code == 403
    first = sup_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/vouchers/", {"count": 20}, format="json")
    assert first.status_code == 201
    serials = first.json()["serials"]
    second = sup_api.post(f"/api/v1/gifts/campaigns/{other.code}/vouchers/", {"count": 5}, format="json").json()["serials"]
    assert len(serials) == 20 and len(set(serials + second)) == 25
    assert clerk_api.get(f"/api/v1/gifts/vouchers/{serials[0]}/").json() == {
        "serial": serials[0], "campaign": campaign.code, "status": "out"}
    ok = clerk_api.post("/api/v1/gifts/issues/", {"campaign": campaign.code, "voucher_serial": serials[0]},
                        format="json")
    assert ok.status_code == 201 and ok.json()["balance_after"] == 99
    assert clerk_api.get(f"/api/v1/gifts/vouchers/{serials[0]}/").json()["status"] == "collected"
    twice = clerk_api.post("/api/v1/gifts/issues/", {"campaign": campaign.code, "voucher_serial": serials[0]},
                           format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "R-GIFT-3"
    wrong = clerk_api.post("/api/v1/gifts/issues/", {"campaign": campaign.code, "voucher_serial": second[0]},
                           format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "R-GIFT-3"
    unknown = clerk_api.post("/api/v1/gifts/issues/", {"campaign": campaign.code, "voucher_serial": "ZP99999999"},
                             format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "R-GIFT-3"
    assert sup_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/vouchers/", {"count": 0},
                        format="json").status_code == 400
    assert clerk_api.get("/api/v1/gifts/vouchers/ZP00000000/").status_code == 404


# ---------------------------------------------------------------- birthday gifts (R-GIFT-5)

@pytest.fixture
def member_card(db):
    from tests.factories.members import CardFactory, MemberFactory

    return CardFactory(member=MemberFactory(id_type="id_card", id_number="11010519491231002X",
                                            birthday=timezone.localdate()))


def test_r_gift_5_birthday_gift_with_the_holders_id_once_a_year(clerk_api, umbrella, member_card):
    body = {"card_number": member_card.card_number, "id_number": "11010519491231002x", "item": "G-UMB-01"}
    r = clerk_api.post("/api/v1/gifts/birthday/", body, format="json")
    assert r.status_code == 201, r.json()
    assert {k: r.json()[k] for k in ("item", "quantity", "balance_after")} == {"item": "G-UMB-01", "quantity": 1,
                                                                            "balance_after": 99}
    again = clerk_api.post("/api/v1/gifts/birthday/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "R-GIFT-5"
    entry = GiftStockEntry.objects.filter(kind="birthday").get()
    assert entry.quantity == -1 and entry.reference == member_card.card_number
    pdf = clerk_api.get(f"/api/v1/gifts/issues/{r.json()['id']}/form.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_r_gift_5_someone_elses_id_is_refused(clerk_api, umbrella, member_card):
    r = clerk_api.post("/api/v1/gifts/birthday/", {"card_number": member_card.card_number,
                                                   "id_number": "110105199001011232", "item": "G-UMB-01"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "R-GIFT-5" and "id_number" in r.json()["fields"]
    unknown = clerk_api.post("/api/v1/gifts/birthday/", {"card_number": "0000", "id_number": "x", "item": "G-UMB-01"},
                             format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "card_not_usable"
    missing = clerk_api.post("/api/v1/gifts/birthday/", {"card_number": member_card.card_number}, format="json")
    assert missing.status_code == 400


def test_r_gift_5_once_per_calendar_year_in_store_time(clerk, umbrella, member_card):
    from gifts import services

    services.gift_birthday_issue(card_number=member_card.card_number, id_number=member_card.member.id_number,
                                 item="G-UMB-01", user=clerk)
    GiftIssue.objects.filter(kind="birthday").update(year=timezone.localdate().year - 1)  # last year's gift
    again = services.gift_birthday_issue(card_number=member_card.card_number, id_number=member_card.member.id_number,
                                         item="G-UMB-01", user=clerk)
    assert again.year == timezone.localdate().year


# ---------------------------------------------------------------- ledger (R-GIFT-2)

def test_r_gift_2_ledger_signed_quantities_and_running_balance(clerk_api, campaign, make_receipt):
    issue(clerk_api, campaign, make_receipt())
    issue(clerk_api, campaign, make_receipt(lines=[("clothing", "500.00", 1)]))
    response = clerk_api.get("/api/v1/gifts/items/G-UMB-01/ledger/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["kind"], r["quantity"], r["balance_after"]) for r in rows] == [("issue", -1, 98), ("issue", -1, 99),
                                                                             ("receive", 100, 100)]
    assert set(rows[0]) == {"at", "kind", "quantity", "balance_after", "reference", "by"} and "next" in response.json()
    assert clerk_api.get("/api/v1/gifts/items/G-UMB-01/").json()["on_hand"] == sum(r["quantity"] for r in rows)


# ---------------------------------------------------------------- stocktakes (R-GIFT-7)

def test_r_gift_7_count_variance_and_supervisor_explanation(clerk_api, sup_api, umbrella, supervisor):
    from servicedesk.models import Notification

    r = clerk_api.post("/api/v1/gifts/stocktakes/", {"item": "G-UMB-01", "counted": 95, "period": "daily"}, format="json")
    assert r.status_code == 201
    body = r.json()
    assert {k: body[k] for k in ("expected", "counted", "variance", "status")} == {
        "expected": 100, "counted": 95, "variance": -5, "status": "needs_explanation"}
    assert Notification.objects.filter(recipient=supervisor, key=f"gift-variance-{body['id']}").exists()
    url = f"/api/v1/gifts/stocktakes/{body['id']}/explain/"
    assert clerk_api.post(url, {"explanation": "五把伞被雨天借用"}, format="json").status_code == 403
    assert sup_api.post(url, {"explanation": ""}, format="json").status_code == 400
    done = sup_api.post(url, {"explanation": "五把伞被雨天借用未登记"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "explained"
    adjust = GiftStockEntry.objects.get(kind="adjust")
    assert adjust.quantity == -5 and adjust.balance_after == 95
    assert clerk_api.get("/api/v1/gifts/items/G-UMB-01/").json()["on_hand"] == 95
    assert sup_api.post(url, {"explanation": "again"}, format="json").status_code == 409
    balanced = clerk_api.post("/api/v1/gifts/stocktakes/", {"item": "G-UMB-01", "counted": 95, "period": "monthly"},
                              format="json").json()
    assert balanced["variance"] == 0 and balanced["status"] == "balanced"
    bad = clerk_api.post("/api/v1/gifts/stocktakes/", {"item": "G-UMB-01", "counted": -1, "period": "daily"},
                         format="json")
    assert bad.status_code == 400
    assert clerk_api.post("/api/v1/gifts/stocktakes/", {"item": "G-UMB-01", "counted": 1, "period": "weekly"},
                          format="json").status_code == 400


# ---------------------------------------------------------------- campaign close (R-GIFT-6)

def test_r_gift_6_close_returns_what_is_left_to_the_owner(clerk_api, sup_api, campaign, make_receipt):
    issue(clerk_api, campaign, make_receipt())
    assert clerk_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/close/").status_code == 403
    r = sup_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/close/")
    assert r.status_code == 200
    assert r.json() == {"code": "C-2026-12", "status": "closed", "returned": [{"item": "G-UMB-01", "quantity": 99}]}
    entry = GiftStockEntry.objects.get(kind="return_owner")
    assert entry.quantity == -99 and entry.balance_after == 0 and entry.reference == "C-2026-12"
    again = sup_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/close/")
    assert again.status_code == 409 and again.json()["code"] == "R-GIFT-6"
    pdf = clerk_api.get(f"/api/v1/gifts/campaigns/{campaign.code}/close-list.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_r_gift_6_stock_another_open_campaign_gives_stays(sup_api, campaign):
    GiftCampaignFactory(gift_item=campaign.gift_item, ends_on=timezone.localdate() + dt.timedelta(days=30))
    r = sup_api.post(f"/api/v1/gifts/campaigns/{campaign.code}/close/").json()
    assert r["returned"] == [] and GiftItem.objects.get(code="G-UMB-01").on_hand == 100


def test_lists_and_filters(clerk_api, campaign, make_receipt):
    issue(clerk_api, campaign, make_receipt())
    assert len(clerk_api.get("/api/v1/gifts/issues/?campaign__code=C-2026-12").json()["results"]) == 1
    assert clerk_api.get("/api/v1/gifts/campaigns/?status=open").json()["results"][0]["code"] == "C-2026-12"
    assert clerk_api.get("/api/v1/gifts/items/").json()["results"][0]["on_hand"] == 99
    assert clerk_api.get("/api/v1/gifts/deliveries/").status_code == 200
    assert clerk_api.get("/api/v1/gifts/stocktakes/?status=balanced").json()["results"] == []
    assert Decimal(clerk_api.get("/api/v1/gifts/items/G-UMB-01/").json()["unit_value"]) == Decimal("39.00")


def test_anonymous_gets_401(api_client, campaign):
    assert api_client.get("/api/v1/gifts/items/").status_code in (401, 403)
    assert api_client.post("/api/v1/gifts/birthday/", {}, format="json").status_code in (401, 403)
