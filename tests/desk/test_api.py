"""The contract's desk endpoints (api-contract.md, "Desk services"), roles enforced on the server."""

from decimal import Decimal

import pytest
import time_machine

from broadcast.models import UrgentInsert
from desk import services
from desk.models import Brand, Enquiry, LostProperty, UmbrellaLoan
from tests.factories.members import CardFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/desk"


@pytest.fixture
def as_role(api_as, user_in_role):
    def make(role):
        return api_as(user_in_role(role))

    return make


def test_enquiry_post_answers_id_and_at(as_role):
    resp = as_role("clerk").post(f"{BASE}/enquiries/", {"channel": "phone", "topic": "brand_location",
                                                        "question": "雅诗兰黛在几楼", "answer": "一楼"}, format="json")
    assert resp.status_code == 201
    assert set(resp.json()) == {"id", "at"} and Enquiry.objects.get().pk == resp.json()["id"]
    assert "+08:00" in resp.json()["at"]


@pytest.mark.parametrize("body, field", [({"channel": "fax", "topic": "other"}, "channel"),
                                         ({"channel": "phone", "topic": "weather"}, "topic"),
                                         ({"channel": "phone"}, "topic")])
def test_enquiry_bad_input_is_400_naming_the_field(as_role, body, field):
    resp = as_role("clerk").post(f"{BASE}/enquiries/", body, format="json")
    assert resp.status_code == 400 and field in resp.json()["fields"]
    assert set(resp.json()) == {"code", "detail", "fields"}


def test_enquiry_roles(as_role, api_client):
    body = {"channel": "in_person", "topic": "directions"}
    assert api_client.post(f"{BASE}/enquiries/", body, format="json").status_code == 401
    assert as_role("cashier").post(f"{BASE}/enquiries/", body, format="json").status_code == 403
    assert as_role("finance").post(f"{BASE}/enquiries/", body, format="json").status_code == 403
    assert as_role("desk_supervisor").post(f"{BASE}/enquiries/", body, format="json").status_code == 201


def test_enquiry_stats_by_topic_and_hour(as_role, clerk, at):
    services.enquiry_log(user=clerk, channel="phone", topic="services", now=at(2026, 12, 1, 9, 5))
    resp = as_role("clerk").get(f"{BASE}/enquiries/stats/?from=2026-12-01")
    assert resp.status_code == 200
    body = resp.json()
    assert body["total"] == 1 and body["by_topic"]["services"] == 1 and body["by_hour"]["09"] == 1
    assert as_role("clerk").get(f"{BASE}/enquiries/stats/?from=yesterday").status_code == 400


def test_r_desk_2_directory_supervisor_creates_any_role_searches(as_role):
    sup, clerk = as_role("desk_supervisor"), as_role("clerk")
    body = {"brand": "雅诗兰黛", "floor": "1F", "counter": "C-1F-01", "category": "化妆品", "phone": "021-60001101"}
    assert clerk.post(f"{BASE}/directory/", body, format="json").status_code == 403
    resp = sup.post(f"{BASE}/directory/", body, format="json")
    assert resp.status_code == 201 and resp.json() == body
    sup.post(f"{BASE}/directory/", {"brand": "耐克", "floor": "4F", "counter": "C-4F-03", "category": "运动", "phone": ""},
             format="json")
    for q, expected in (("兰黛", ["雅诗兰黛"]), ("ysld", ["雅诗兰黛"]), ("C-4F", ["耐克"]), ("4F", ["耐克"])):
        found = clerk.get(f"{BASE}/directory/", {"q": q})
        assert found.status_code == 200
        assert [r["brand"] for r in found.json()["results"]] == expected
        assert set(found.json()["results"][0]) == {"brand", "floor", "counter", "category", "phone"}
    assert as_role("announcer").get(f"{BASE}/directory/?q=x").status_code == 403
    # posting the same brand again updates its line (the season's floor plan)
    assert sup.post(f"{BASE}/directory/", {**body, "floor": "2F"}, format="json").status_code == 201
    assert Brand.objects.get(brand="雅诗兰黛").floor == "2F"
    assert sup.post(f"{BASE}/directory/", {"brand": "x"}, format="json").status_code == 400


def test_r_desk_3_umbrella_loan_contract(as_role):
    clerk = as_role("clerk")
    resp = clerk.post(f"{BASE}/umbrella-loans/", {"umbrella": "U-017", "customer_name": "陈女士", "phone": "13800001234",
                                                  "deposit": "20.00"}, format="json")
    assert resp.status_code == 201 and resp.json()["status"] == "out"
    loan_id = resp.json()["id"]
    again = clerk.post(f"{BASE}/umbrella-loans/", {"umbrella": "U-017", "customer_name": "刘", "phone": "139",
                                                   "deposit": "20.00"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "R-DESK-3"
    back = clerk.post(f"{BASE}/umbrella-loans/{loan_id}/return/")
    assert back.status_code == 200 and back.json() == {"status": "returned", "deposit_refunded": "20.00"}
    assert clerk.post(f"{BASE}/umbrella-loans/{loan_id}/return/").status_code == 409
    assert clerk.post(f"{BASE}/umbrella-loans/999999/return/").status_code == 404
    bad = clerk.post(f"{BASE}/umbrella-loans/", {"umbrella": "U-1", "customer_name": "甲", "phone": "1",
                                                 "deposit": "abc"}, format="json")
    assert bad.status_code == 400 and "deposit" in bad.json()["fields"]
    zero = clerk.post(f"{BASE}/umbrella-loans/", {"umbrella": "U-1", "customer_name": "甲", "phone": "1",
                                                  "deposit": "0.00"}, format="json")
    assert zero.status_code == 400 and "deposit" in zero.json()["fields"]
    assert as_role("cashier").post(f"{BASE}/umbrella-loans/", {"umbrella": "U-2", "customer_name": "甲", "phone": "1"},
                                   format="json").status_code == 403


def test_r_desk_3_deposit_day_api_three_lent_two_back(as_role, at):
    clerk = as_role("clerk")
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        ids = [clerk.post(f"{BASE}/umbrella-loans/", {"umbrella": f"U-{i}", "customer_name": "甲", "phone": "1",
                                                      "deposit": "20.00"}, format="json").json()["id"] for i in range(3)]
        for pk in ids[:2]:
            clerk.post(f"{BASE}/umbrella-loans/{pk}/return/")
        listing = clerk.get(f"{BASE}/umbrella-loans/?status=out").json()["results"]
        day = clerk.get(f"{BASE}/umbrella-deposits/2026-12-01/")
        count = clerk.post(f"{BASE}/umbrella-deposits/2026-12-01/count/", {"counted": "20.00"}, format="json")
    assert [r["id"] for r in listing] == [ids[2]]
    assert day.status_code == 200
    assert {k: day.json()[k] for k in ("taken", "refunded", "forfeited", "cash_change", "held_at_close")} == {
        "taken": "60.00", "refunded": "40.00", "forfeited": "0.00", "cash_change": "20.00", "held_at_close": "20.00"}
    assert count.status_code == 201 and count.json()["count"]["variance"] == "0.00"
    assert clerk.get(f"{BASE}/umbrella-deposits/12-01/").status_code == 400


def test_r_desk_3_overdue_filter_and_forfeit_is_the_supervisors(as_role, at):
    clerk, sup = as_role("clerk"), as_role("desk_supervisor")
    with time_machine.travel(at(2026, 11, 1, 10), tick=False):
        pk = clerk.post(f"{BASE}/umbrella-loans/", {"umbrella": "U-3", "customer_name": "甲", "phone": "1"},
                        format="json").json()["id"]
    with time_machine.travel(at(2026, 11, 5, 10), tick=False):
        overdue = clerk.get(f"{BASE}/umbrella-loans/?overdue=true").json()["results"]
        assert [(r["id"], r["overdue"]) for r in overdue] == [(pk, True)]
        assert clerk.get(f"{BASE}/umbrella-loans/?overdue=maybe").status_code == 400
        assert sup.post(f"{BASE}/umbrella-loans/{pk}/forfeit/").status_code == 400  # before day 30
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        assert clerk.post(f"{BASE}/umbrella-loans/{pk}/forfeit/").status_code == 403
        resp = sup.post(f"{BASE}/umbrella-loans/{pk}/forfeit/")
    assert resp.status_code == 200 and resp.json() == {"status": "forfeited", "deposit_kept": "20.00"}


def test_r_desk_3_lost_property_contract_and_pa_link(as_role, at):
    clerk = as_role("clerk")
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        resp = clerk.post(f"{BASE}/lost-property/", {"description": "黑色钱包", "found_where": "一楼化妆品区",
                                                     "found_at": "2026-12-01T09:40:00+08:00", "found_by": "顾客"},
                          format="json")
        child = clerk.post(f"{BASE}/lost-property/", {"description": "男孩，约5岁", "found_where": "三楼",
                                                      "found_at": "2026-12-01T09:55:00", "found_by": "保洁员",
                                                      "kind": "lost_child"}, format="json")
    assert resp.status_code == 201
    assert resp.json()["number"] == "SW-20261201-0001" and resp.json()["status"] == "held"
    assert child.json()["number"] == "SW-20261201-0002"
    insert = UrgentInsert.objects.get(pk=child.json()["pa_insert"])
    assert insert.kind == "lost_child" and insert.source_ref == "SW-20261201-0002"
    assert LostProperty.objects.get(number="SW-20261201-0002").found_at == at(2026, 12, 1, 9, 55)  # no offset: store time
    # it is in the booth's queue, emergency-class inserts first (R-BC-4: a lost child before lost property)
    with time_machine.travel(at(2026, 12, 1, 10, 2), tick=False):
        queue = as_role("announcer").get("/api/v1/broadcast/queue/").json()["next"]
    assert queue[0]["insert"] == insert.pk and queue[0]["kind"] == "lost_child"
    assert queue[1]["kind"] == "lost_property" and "SW-20261201-0001" in queue[1]["text"]
    claim = {"claimant_name": "孩子妈妈", "id_number": "110105194912310021", "phone": "13800138000"}
    done = clerk.post(f"{BASE}/lost-property/SW-20261201-0002/claim/", claim, format="json")
    assert done.status_code == 200 and done.json()["status"] == "claimed" and done.json()["pa_insert"] == insert.pk
    assert clerk.post(f"{BASE}/lost-property/SW-20261201-0002/claim/", claim, format="json").status_code == 409
    detail = clerk.get(f"{BASE}/lost-property/SW-20261201-0002/").json()
    assert detail["claimant_id_number"] == "110105********0021" and detail["claimant_phone"] == "138****8000"
    assert clerk.get(f"{BASE}/lost-property/SW-20990101-0001/").status_code == 404
    missing = clerk.post(f"{BASE}/lost-property/SW-20261201-0001/claim/", {"claimant_name": "甲"}, format="json")
    assert missing.status_code == 400 and {"id_number", "phone"} <= set(missing.json()["fields"])
    assert clerk.get(f"{BASE}/lost-property/?status=held").json()["results"][0]["number"] == "SW-20261201-0001"
    assert clerk.get(f"{BASE}/lost-property/?status=lost").status_code == 400
    bad = clerk.post(f"{BASE}/lost-property/", {"description": "x", "found_where": "y", "found_at": "soon"}, format="json")
    assert bad.status_code == 400 and "found_at" in bad.json()["fields"]


def test_r_desk_3_dispose_is_the_supervisors_after_the_holding_period(as_role, clerk, at):
    entry = services.lost_property_register(user=clerk, description="伞", found_where="门口", announce=False,
                                            now=at(2026, 12, 1, 10))
    url = f"{BASE}/lost-property/{entry.number}/dispose/"
    assert as_role("clerk").post(url, {"disposal": "捐赠"}, format="json").status_code == 403
    sup = as_role("desk_supervisor")
    assert sup.post(url, {"disposal": "捐赠"}, format="json").status_code == 400
    with time_machine.travel(at(2027, 3, 2, 10), tick=False):
        assert sup.post(url, {"disposal": "交派出所"}, format="json").json()["status"] == "disposed"


def test_r_desk_4_reports_contract_and_roles(as_role, clerk, at):
    CardFactory(tier="gold", issued_at=at(2026, 11, 24, 10))
    services.enquiry_log(user=clerk, channel="phone", topic="services", now=at(2026, 11, 24, 11))
    for role in ("desk_supervisor", "ops_manager"):
        weekly = as_role(role).get(f"{BASE}/reports/weekly/?week=2026-W48")
        assert weekly.status_code == 200
        body = weekly.json()
        assert {"week", "new_members", "cards_issued", "complaints", "enquiries"} <= set(body)
        assert body["week"] == "2026-W48" and body["new_members"] == {"gold": 1, "platinum": 0}
        assert body["cards_issued"] == 1 and body["complaints"] == 0 and body["enquiries"] == 1
        monthly = as_role(role).get(f"{BASE}/reports/monthly/?month=2026-11").json()
        assert {"month", "vouchers_issued", "gifts_issued", "enquiry_calls", "cards_issued"} <= set(monthly)
        assert monthly["vouchers_issued"] == {"count": 0, "value": "0.00"} and monthly["enquiry_calls"] == 1
    assert as_role("clerk").get(f"{BASE}/reports/weekly/?week=2026-W48").status_code == 403
    sup = as_role("desk_supervisor")
    bad = sup.get(f"{BASE}/reports/weekly/?week=48")
    assert bad.status_code == 400 and bad.json()["code"] == "R-DESK-4" and "week" in bad.json()["fields"]
    with time_machine.travel(at(2026, 12, 1, 7, 30), tick=False):  # no month named: this month so far
        assert sup.get(f"{BASE}/reports/monthly/").json()["month"] == "2026-12"
        assert sup.get(f"{BASE}/reports/weekly/").json()["week"] == "2026-W49"
    pdf = sup.get(f"{BASE}/reports/weekly/2026-W48.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = sup.get(f"{BASE}/reports/monthly/2026-11.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert sup.get(f"{BASE}/reports/monthly/2026-13.xlsx").status_code == 400


def test_supplies_gift_wraps_deliveries_bags(as_role, sewing_kits):
    clerk = as_role("clerk")
    issued = clerk.post(f"{BASE}/supplies/sewing-kit/issue/", {"quantity": 2}, format="json")
    assert issued.status_code == 201 and issued.json()["balance_after"] == 8 and issued.json()["quantity"] == -2
    too_many = clerk.post(f"{BASE}/supplies/sewing-kit/issue/", {"quantity": 9}, format="json")
    assert too_many.status_code == 400 and too_many.json()["code"] == "R-DESK-3"
    assert clerk.get(f"{BASE}/supplies/sewing-kit/ledger/").json()["results"][0]["quantity"] == -2
    st = clerk.post(f"{BASE}/supply-stocktakes/", {"item": "sewing-kit", "counted": 7, "month": "2026-11"}, format="json")
    assert st.status_code == 201 and st.json()["variance"] == -1 and st.json()["month"] == "2026-11"
    assert clerk.post(f"{BASE}/supply-stocktakes/", {"item": "sewing-kit", "counted": 7, "month": "2026-11"},
                      format="json").status_code == 409
    year_zero = clerk.post(f"{BASE}/supply-stocktakes/", {"item": "sewing-kit", "counted": 1, "month": "0000-01"},
                           format="json")  # found by the fuzz run: was a 500
    assert year_zero.status_code == 400 and "month" in year_zero.json()["fields"]
    assert clerk.post(f"{BASE}/supplies/", {"code": "x", "name": "x", "kind": "first_aid"}, format="json").status_code == 403
    card = CardFactory()
    wrap = clerk.post(f"{BASE}/gift-wraps/", {"card_number": card.card_number, "items": 2}, format="json")
    assert wrap.status_code == 201 and wrap.json()["card_number"] == card.card_number
    assert clerk.post(f"{BASE}/gift-wraps/", {"card_number": "nope"}, format="json").json()["code"] == "R-DESK-3"
    d = clerk.post(f"{BASE}/deliveries/", {"customer_name": "孙", "phone": "136", "address": "浦东88号", "goods": "冰箱",
                                           "receipt": {"side": "dept", "number": "none"}}, format="json")
    assert d.status_code == 400 and "receipt" in d.json()["fields"]
    d = clerk.post(f"{BASE}/deliveries/", {"customer_name": "孙", "phone": "136", "address": "浦东88号", "goods": "冰箱"},
                   format="json")
    pk = d.json()["id"]
    assert clerk.post(f"{BASE}/deliveries/{pk}/status/", {"status": "delivered"}, format="json").status_code == 409
    moved = clerk.post(f"{BASE}/deliveries/{pk}/status/", {"status": "scheduled", "scheduled_for": "2026-12-03"},
                       format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "scheduled"
    assert clerk.post(f"{BASE}/bags/", {"tag": "B-05"}, format="json").status_code == 201
    assert clerk.post(f"{BASE}/bags/", {"tag": "B-05"}, format="json").status_code == 409
    assert clerk.post(f"{BASE}/bags/give-back/", {"tag": "B-05"}, format="json").json()["status"] == "returned"
    assert clerk.post(f"{BASE}/bags/give-back/", {"tag": "B-05"}, format="json").status_code == 409


def test_lists_use_bounded_queries(as_role, clerk, django_assert_max_num_queries, at):
    for i in range(30):
        services.umbrella_lend(user=clerk, umbrella=f"U-{i}", customer_name="甲", phone="1", now=at(2026, 12, 1, 10))
        services.lost_property_register(user=clerk, description=f"物品{i}", found_where="一楼", announce=False,
                                        now=at(2026, 12, 1, 10))
    api = as_role("clerk")
    api.get(f"{BASE}/umbrella-loans/")  # warm the token and permission caches
    with django_assert_max_num_queries(8):
        assert len(api.get(f"{BASE}/umbrella-loans/").json()["results"]) == 30
    with django_assert_max_num_queries(8):
        assert len(api.get(f"{BASE}/lost-property/").json()["results"]) == 30
    assert UmbrellaLoan.objects.count() == 30 and Decimal("600.00") == sum(
        (loan.deposit for loan in UmbrellaLoan.objects.all()), Decimal("0.00"))
