"""The contract's return endpoints (api-contract.md, Returns)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from returns.models import ReturnEvent, ReturnRequest
from tests.returns.conftest import body

pytestmark = pytest.mark.django_db


def at_day(receipt, day: int) -> str:
    return (timezone.localtime(receipt.rung_at) + timedelta(days=day)).isoformat()


def test_quote_r_ret_5_day_15_eligible_day_16_not(api_as, clerk, make_receipt):
    receipt = make_receipt(days_ago=0, lines=[("clothing", "280.00", 1)])
    api = api_as(clerk)
    ok = api.post("/api/v1/returns/quote/", body(receipt, at=at_day(receipt, 15)), format="json")
    assert ok.status_code == 200
    assert ok.json()["eligible"] is True
    assert ok.json()["rules"] == ["R-RET-5", "R-RET-8", "R-RET-11"]
    assert ok.json()["refund_amount"] == "280.00" and ok.json()["clawback_amount"] == "0.00"
    assert ok.json()["points_reversed"] == 0 and ok.json()["approval_level"] == "dept_supervisor"
    late = api.post("/api/v1/returns/quote/", body(receipt, at=at_day(receipt, 16)), format="json").json()
    assert late["eligible"] is False and late["rules"] == ["R-RET-5"] and late["approval_level"] is None
    assert ReturnRequest.objects.count() == 0  # no side effects


def test_quote_condition_may_be_null_or_absent(api_as, clerk, make_receipt):
    receipt = make_receipt(lines=[("clothing", "120.00", 1)])
    api = api_as(clerk)
    assert api.post("/api/v1/returns/quote/", body(receipt, condition=None), format="json").json()["eligible"] is True
    data = body(receipt)
    del data["condition"]
    assert api.post("/api/v1/returns/quote/", data, format="json").json()["eligible"] is True


def test_quote_time_without_offset_is_store_time(api_as, clerk, make_receipt):
    receipt = make_receipt(days_ago=0, lines=[("clothing_summer", "99.00", 1)])
    naive = (timezone.localtime(receipt.rung_at) + timedelta(days=7)).replace(tzinfo=None, hour=23, minute=59)
    response = api_as(clerk).post("/api/v1/returns/quote/", body(receipt, at=naive.isoformat()), format="json")
    assert response.json()["eligible"] is True


def test_quote_r_ret_11_300_00_vs_300_01(api_as, clerk, make_receipt):
    a = make_receipt(lines=[("clothing", "300.00", 1)])
    b = make_receipt(lines=[("clothing", "300.01", 1)])
    api = api_as(clerk)
    assert api.post("/api/v1/returns/quote/", body(a), format="json").json()["approval_level"] == "dept_supervisor"
    assert api.post("/api/v1/returns/quote/", body(b), format="json").json()["approval_level"] == "ops_manager"


def test_quote_r_ret_8_null_current_price_means_unchanged_after_15_days(api_as, clerk, make_receipt):
    receipt = make_receipt(days_ago=20, lines=[("shoes_leather", "500.00", 1)])
    api = api_as(clerk)
    unchanged = api.post("/api/v1/returns/quote/", body(receipt, reason="quality", current_unit_price=None),
                         format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert unchanged.status_code == 200
    assert unchanged.json()["refund_amount"] == "500.00" and "R-RET-8" in unchanged.json()["rules"]
    assert any("taken as unchanged" in sentence for sentence in unchanged.json()["explanation"])
    fallen = api.post("/api/v1/returns/quote/", body(receipt, reason="quality", current_unit_price="420.00"),
                      format="json").json()
    assert fallen["refund_amount"] == "420.00" and "R-RET-7" in fallen["rules"]


def test_unknown_receipt_is_400_r_ret_1(api_as, clerk, policy):
    response = api_as(clerk).post("/api/v1/returns/quote/", {
        "receipt": {"side": "dept", "number": "NOPE"}, "lines": [{"line_no": 1, "quantity": 1}],
        "reason": "quality"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "R-RET-1"


@pytest.mark.parametrize("bad", [
    {"reason": "because"}, {"lines": []}, {"lines": [{"line_no": 9, "quantity": 1}]},
    {"lines": [{"line_no": 1, "quantity": 0}]}, {"receipt": "x"}, {"current_unit_price": "abc"},
])
def test_bad_input_is_400_never_500(api_as, clerk, make_receipt, bad):
    receipt = make_receipt()
    response = api_as(clerk).post("/api/v1/returns/quote/", {**body(receipt), **bad}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "detail", "fields"}


def test_create_201_awaiting_counter_check(api_as, clerk, make_receipt):
    receipt = make_receipt(days_ago=2, lines=[("clothing", "200.00", 2)], payment_method="alipay")
    response = api_as(clerk).post("/api/v1/returns/", body(receipt, lines=[(1, 2)]), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "awaiting_counter_check" and data["id"]
    assert data["refund_amount"] == "400.00" and data["approval_level"] == "ops_manager"
    assert data["payment_method"] == "alipay" and data["number"].startswith("TH")
    assert data["lines"][0]["quantity"] == 2
    assert ReturnEvent.objects.filter(return_request_id=data["id"], type="created").exists()


def test_create_ineligible_400_with_rule_and_nothing_written(api_as, clerk, make_receipt):
    receipt = make_receipt(days_ago=1, lines=[("underwear", "59.00", 1)])
    response = api_as(clerk).post("/api/v1/returns/", body(receipt), format="json")
    assert response.status_code == 400 and response.json()["code"] == "R-RET-3"
    assert ReturnRequest.objects.count() == 0


def test_create_line_cannot_be_returned_beyond_its_quantity(api_as, clerk, make_receipt):
    receipt = make_receipt(lines=[("clothing", "100.00", 2)])
    api = api_as(clerk)
    assert api.post("/api/v1/returns/", body(receipt, lines=[(1, 1)]), format="json").status_code == 201
    assert api.post("/api/v1/returns/", body(receipt, lines=[(1, 1)]), format="json").status_code == 201
    third = api.post("/api/v1/returns/", body(receipt, lines=[(1, 1)]), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert third.status_code == 400 and third.json()["code"] == "quantity_exceeds_receipt"
    assert third.json()["detail"] == "Line 1: 1 asked, only 0 of 2 still returnable."
    assert "lines" in third.json()["fields"]


def test_create_needs_add_permission(api_as, user_in_role, make_receipt):
    receipt = make_receipt()
    response = api_as(user_in_role("cashier")).post("/api/v1/returns/", body(receipt), format="json")
    assert response.status_code == 403


def test_r_ret_9_store_fault_records_responsible_counter(api_as, clerk, make_receipt):
    receipt = make_receipt(days_ago=40, lines=[("jewellery", "2600.00", 1)])
    response = api_as(clerk).post("/api/v1/returns/", body(receipt, reason="staff_misleading", current_unit_price="2600.00",
                                                          responsible_salesperson="李娜"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["responsible_counter"] == "C-2F-01"
    assert response.json()["responsible_salesperson"] == "李娜"
    assert "R-RET-9" in response.json()["rules"]


def sign(api, rr_id, step):
    return api.post(f"/api/v1/returns/{rr_id}/sign/", {"step": step}, format="json")


def test_chain_with_four_different_users_to_refunded(api_as, chain_users, make_receipt):
    receipt = make_receipt(lines=[("clothing", "280.00", 1)])
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
    expected = [("counter_check", "counter_staff", "awaiting_approval"),
                ("approve", "dept_supervisor", "awaiting_loss_prevention"),
                ("loss_prevention", "loss_prevention", "awaiting_refund"),
                ("refund", "cashier", "refunded")]
    for step, role, status in expected:
        response = sign(api_as(chain_users[role]), rr["id"], step)
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
        assert response.json()["signatures"][step]["by"] == chain_users[role].username
    detail = api_as(chain_users["clerk"]).get(f"/api/v1/returns/{rr['id']}/").json()
    assert [e["type"] for e in detail["events"]] == ["created", "counter_check", "approve", "loss_prevention", "refund"]


def test_out_of_order_409(api_as, chain_users, make_receipt):
    receipt = make_receipt()
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
    response = sign(api_as(chain_users["cashier"]), rr["id"], "refund")
    assert response.status_code == 409 and response.json()["code"] == "R-RET-12"
    assert sign(api_as(chain_users["dept_supervisor"]), rr["id"], "approve").status_code == 409
    assert sign(api_as(chain_users["counter_staff"]), rr["id"], "counter_check").status_code == 200
    assert sign(api_as(chain_users["counter_staff"]), rr["id"], "counter_check").status_code == 409


def test_wrong_role_403_clerk_cannot_approve(api_as, chain_users, make_receipt):
    receipt = make_receipt()
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
    assert sign(api_as(chain_users["clerk"]), rr["id"], "counter_check").status_code == 403
    sign(api_as(chain_users["counter_staff"]), rr["id"], "counter_check")
    other_clerk = api_as(chain_users["clerk"].__class__.objects.get(pk=chain_users["clerk"].pk))
    response = sign(other_clerk, rr["id"], "approve")
    assert response.status_code == 403
    assert sign(api_as(chain_users["cashier"]), rr["id"], "approve").status_code == 403
    assert ReturnRequest.objects.get(pk=rr["id"]).status == "awaiting_approval"


def test_r_ret_11_creator_cannot_approve_own_slip(api_as, user_in_role, chain_users, make_receipt):
    manager = user_in_role("ops_manager")
    manager.groups.add(*user_in_role("clerk").groups.all())  # a manager who also fills slips
    receipt = make_receipt()
    rr = api_as(manager).post("/api/v1/returns/", body(receipt), format="json")
    assert rr.status_code == 201
    sign(api_as(chain_users["counter_staff"]), rr.json()["id"], "counter_check")
    response = sign(api_as(manager), rr.json()["id"], "approve")
    assert response.status_code == 403 and response.json()["code"] == "R-RET-11"


def test_r_ret_11_supervisor_over_limit_403_ops_manager_200(api_as, chain_users, make_receipt):
    receipt = make_receipt(lines=[("clothing", "300.01", 1)])
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
    sign(api_as(chain_users["counter_staff"]), rr["id"], "counter_check")
    over = sign(api_as(chain_users["dept_supervisor"]), rr["id"], "approve")
    assert over.status_code == 403 and over.json()["code"] == "R-RET-11"
    assert sign(api_as(chain_users["ops_manager"]), rr["id"], "approve").status_code == 200


def test_reject_frees_the_pieces(api_as, chain_users, make_receipt):
    receipt = make_receipt(lines=[("clothing", "100.00", 1)])
    api = api_as(chain_users["clerk"])
    rr = api.post("/api/v1/returns/", body(receipt), format="json").json()
    assert api.post(f"/api/v1/returns/{rr['id']}/reject/", {"reason": "x"}, format="json").status_code == 403
    # Role review: counter staff identify and sign, an approver decides a refusal.
    counter = api_as(chain_users["counter_staff"]).post(f"/api/v1/returns/{rr['id']}/reject/", {"reason": "x"},
                                                        format="json")
    assert counter.status_code == 403 and counter.json()["code"] == "R-RET-12"
    response = api_as(chain_users["dept_supervisor"]).post(f"/api/v1/returns/{rr['id']}/reject/",
                                                           {"reason": "吊牌缺失"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert api.post("/api/v1/returns/", body(receipt), format="json").status_code == 201


def test_unknown_slip_404_and_anonymous_401(api_as, clerk, api_client, policy):
    assert api_as(clerk).post("/api/v1/returns/999999/sign/", {"step": "approve"}, format="json").status_code == 404
    assert api_as(clerk).get("/api/v1/returns/999999/slip.pdf").status_code == 404
    assert api_client.post("/api/v1/returns/quote/", {}, format="json").status_code in (401, 403)


def test_bad_step_400(api_as, chain_users, make_receipt):
    receipt = make_receipt()
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
    assert sign(api_as(chain_users["counter_staff"]), rr["id"], "teleport").status_code == 400


def test_slip_pdf_three_copies(api_as, chain_users, make_receipt):
    receipt = make_receipt()
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
    response = api_as(chain_users["cashier"]).get(f"/api/v1/returns/{rr['id']}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/Count 3" in response.content  # cashier, counter, desk


def test_policies_resource_and_policy_in_force(api_as, clerk, policy):
    from tests.factories.returns import ReturnPolicyFactory

    ReturnPolicyFactory(effective_from=timezone.localdate() + timedelta(days=30), approval_threshold="500.00")
    api = api_as(clerk)
    listed = api.get("/api/v1/return-policies/").json()["results"]
    assert len(listed) == 2
    today = api.get("/api/v1/return-policies/", {"on": timezone.localdate().isoformat()}).json()["results"]
    assert [p["approval_threshold"] for p in today] == ["300.00"]
    assert today[0]["change_of_mind_days"] == {"clothing_summer": 7, "clothing": 15, "cosmetics": 7}
    assert api.get("/api/v1/return-policies/", {"on": "soon"}).status_code == 400


def test_slip_records_who_confirmed_the_current_price(api_as, clerk, make_receipt):
    """R-RET-8: the slip records who confirmed the current price when one was given, nobody otherwise."""
    api = api_as(clerk)
    given = make_receipt(days_ago=20, lines=[("shoes_leather", "500.00", 1)])
    response = api.post("/api/v1/returns/", body(given, reason="quality", current_unit_price="420.00"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["price_confirmed_by"] == clerk.username
    assert response.json()["refund_amount"] == "420.00"
    assert ReturnRequest.objects.get(pk=response.json()["id"]).price_confirmed_by == clerk
    none_given = make_receipt(days_ago=20, lines=[("shoes_leather", "500.00", 1)])
    response = api.post("/api/v1/returns/", body(none_given, reason="quality"), format="json")
    assert response.status_code == 201 and response.json()["price_confirmed_by"] is None
    assert response.json()["refund_amount"] == "500.00"
