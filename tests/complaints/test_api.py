"""The contract's complaint endpoints (api-contract.md, Complaints)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint, Department
from tests.factories.receipts import ReceiptFactory

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
BODY = {"channel": "phone", "customer_name": "王芳", "phone": "13800138000", "type": "quality",
        "cause": "羊毛大衣起球", "request": "退货", "serious": False}


def test_departments_list_and_create_only_by_supervisor(api_as, clerk, supervisor, department):
    assert api_as(clerk).get("/api/v1/departments/").json()["results"] == [
        {"code": "clothing", "name": "服装部", "feedback_hours": 48}]
    body = {"code": "shoes", "name": "鞋部", "feedback_hours": 36}
    assert api_as(clerk).post("/api/v1/departments/", body, format="json").status_code == 403
    resp = api_as(supervisor).post("/api/v1/departments/", body, format="json")
    assert resp.status_code == 201 and resp.json() == body
    assert Department.objects.get(code="shoes").feedback_hours == 36


def test_r_cmp_1_post_complaint_contract(api_as, clerk):
    with time_machine.travel(datetime(2026, 11, 23, 23, 30, tzinfo=SH), tick=False):
        resp = api_as(clerk).post("/api/v1/complaints/", BODY, format="json")
    assert resp.status_code == 201
    assert resp.json() == {"number": "TS-20261123-0001", "status": "awaiting_routing", "route_by": "2026-11-24T23:30:00+08:00"}


def test_r_cmp_1_bad_input_is_400_naming_the_field(api_as, clerk):
    resp = api_as(clerk).post("/api/v1/complaints/", {**BODY, "type": "weather"}, format="json")
    assert resp.status_code == 400 and "type" in resp.json()["fields"]
    resp = api_as(clerk).post("/api/v1/complaints/", {**BODY, "receipt": {"side": "dept", "number": "nope"}}, format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "R-CMP-1"
    assert not Complaint.objects.exists()


def test_r_cmp_1_links_receipt_and_card(api_as, clerk):
    receipt = ReceiptFactory(number="D20261123-000123")
    body = {**BODY, "card_number": "8800000000012", "receipt": {"side": "dept", "number": "D20261123-000123"}}
    number = api_as(clerk).post("/api/v1/complaints/", body, format="json").json()["number"]
    data = api_as(clerk).get(f"/api/v1/complaints/{number}/").json()
    assert data["receipt"] == {"side": "dept", "number": receipt.number} and data["card_number"] == "8800000000012"


def test_r_cmp_2_route_valid_and_invalid(api_as, clerk, department):
    client = api_as(clerk)
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        n1 = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
        n2 = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    with time_machine.travel(datetime(2026, 11, 23, 16, 0, tzinfo=SH), tick=False):
        resp = client.post(f"/api/v1/complaints/{n1}/route/", {"valid": True, "department": "clothing", "opinion": "属实"},
                           format="json")
    assert resp.status_code == 200
    assert resp.json() == {"status": "awaiting_feedback", "feedback_by": "2026-11-25T16:00:00+08:00"}
    resp = client.post(f"/api/v1/complaints/{n2}/route/", {"valid": False, "reply": "已向顾客解释"}, format="json")
    assert resp.json() == {"status": "closed"}
    # routed twice → 409
    resp = client.post(f"/api/v1/complaints/{n1}/route/", {"valid": True, "department": "clothing"}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "R-CMP-3"
    # unknown department → 400
    n3 = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    resp = client.post(f"/api/v1/complaints/{n3}/route/", {"valid": True, "department": "nope"}, format="json")
    assert resp.status_code == 400 and "department" in resp.json()["fields"]
    resp = client.post(f"/api/v1/complaints/{n3}/route/", {"valid": False}, format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "R-CMP-3"


def test_get_shows_escalation_level(api_as, clerk):
    from django.core.management import call_command

    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        number = api_as(clerk).post("/api/v1/complaints/", BODY, format="json").json()["number"]
    assert api_as(clerk).get(f"/api/v1/complaints/{number}/").json()["escalation_level"] == 0
    call_command("escalate_overdue", "--now", "2026-11-24T10:00:01+08:00")
    assert api_as(clerk).get(f"/api/v1/complaints/{number}/").json()["escalation_level"] == 1
    call_command("escalate_overdue", "--now", "2026-11-25T10:00:01+08:00")
    assert api_as(clerk).get(f"/api/v1/complaints/{number}/").json()["escalation_level"] == 2


def test_full_flow_through_the_api_with_roles(api_as, clerk, supervisor, department, dept_user):
    number = api_as(clerk).post("/api/v1/complaints/", BODY, format="json").json()["number"]
    url = f"/api/v1/complaints/{number}"
    api_as(clerk).post(f"{url}/route/", {"valid": True, "department": "clothing"}, format="json")
    assert api_as(clerk).post(f"{url}/feedback/", {"investigation": "a", "result": "b", "proposed_handling": "c"},
                              format="json").status_code == 403
    resp = api_as(dept_user).post(f"{url}/feedback/", {"investigation": "核实", "result": "属实", "proposed_handling": "退货"},
                                  format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "awaiting_approval"
    assert api_as(clerk).post(f"{url}/approve/", {}, format="json").status_code == 403  # clerk cannot approve
    resp = api_as(supervisor).post(f"{url}/approve/", {"instruction": "同意"}, format="json")
    assert resp.json()["status"] == "awaiting_notice"
    assert api_as(clerk).post(f"{url}/notify/", {"reply": "请来办理退货"}, format="json").json()["status"] == "awaiting_execution"
    assert api_as(dept_user).post(f"{url}/carry-out/", {"note": "已退货"}, format="json").json()["status"] == "awaiting_followup"
    resp = api_as(clerk).post(f"{url}/followup/", {"satisfaction": "dissatisfied"}, format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "R-CMP-3"
    assert api_as(clerk).post(f"{url}/followup/", {"satisfaction": "neutral"}, format="json").json()["status"] == "closed"
    assert api_as(clerk).post(f"{url}/followup/", {"satisfaction": "neutral"}, format="json").status_code == 409
    assert api_as(clerk).post(f"{url}/reopen/", {"note": "顾客又来电"}, format="json").json()["status"] == "awaiting_feedback"
    events = api_as(clerk).get(f"{url}/events/").json()
    assert [e["type"] for e in events][-1] == "reopened"


def test_department_user_sees_only_own_tickets(api_as, clerk, department, other_department, dept_user):
    client = api_as(clerk)
    mine = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    theirs = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    unrouted = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    client.post(f"/api/v1/complaints/{mine}/route/", {"valid": True, "department": "clothing"}, format="json")
    client.post(f"/api/v1/complaints/{theirs}/route/", {"valid": True, "department": "cosmetics"}, format="json")
    dept = api_as(dept_user)
    assert dept.get(f"/api/v1/complaints/{mine}/").status_code == 200
    assert dept.get(f"/api/v1/complaints/{theirs}/").status_code == 404
    assert dept.get(f"/api/v1/complaints/{unrouted}/").status_code == 404
    assert [r["number"] for r in dept.get("/api/v1/complaints/").json()["results"]] == [mine]
    resp = dept.post(f"/api/v1/complaints/{theirs}/feedback/", {"investigation": "a", "result": "b", "proposed_handling": "c"},
                     format="json")
    assert resp.status_code == 404


def test_r_cmp_5_supplier_contacts_api(api_as, clerk):
    number = api_as(clerk).post("/api/v1/complaints/", {**BODY, "product_safety": True}, format="json").json()["number"]
    resp = api_as(clerk).post(f"/api/v1/complaints/{number}/supplier-contacts/",
                              {"supplier": "某电器公司", "summary": "取回送检", "goods_taken_back": True}, format="json")
    assert resp.status_code == 201
    assert api_as(clerk).get(f"/api/v1/complaints/{number}/supplier-contacts/").json()[0]["supplier"] == "某电器公司"


def test_r_cmp_6_phrase_search_and_draft_check(api_as, clerk):
    phrases = api_as(clerk).get("/api/v1/complaint-phrases/", {"scene": "emotion", "q": "道歉"}).json()
    assert phrases and all("道歉" in p["text"] for p in phrases)
    draft = {"draft": "这不是我的错，你必须明天再来。"}
    resp = api_as(clerk).post("/api/v1/complaint-phrases/check/", draft, format="json").json()
    assert resp["ok"] is False and [h["text"] for h in resp["hits"]] == ["这不是我的错", "你必须"]


def test_department_feedback_hours_edited_by_supervisor_only(api_as, clerk, supervisor, department):
    assert api_as(clerk).patch("/api/v1/departments/clothing/", {"feedback_hours": 24}, format="json").status_code == 403
    resp = api_as(supervisor).patch("/api/v1/departments/clothing/", {"feedback_hours": 24}, format="json")
    assert resp.status_code == 200 and resp.json()["feedback_hours"] == 24
    resp = api_as(supervisor).patch("/api/v1/departments/clothing/", {"feedback_hours": 0}, format="json")
    assert resp.status_code == 400 and "feedback_hours" in resp.json()["fields"]


def test_r_cmp_1_patch_completes_the_record(api_as, clerk, dept_user, department):
    number = api_as(clerk).post("/api/v1/complaints/", BODY, format="json").json()["number"]
    resp = api_as(clerk).patch(f"/api/v1/complaints/{number}/", {"temperament": "friendly", "request": "换货"}, format="json")
    assert resp.status_code == 200 and resp.json()["temperament"] == "friendly" and resp.json()["request"] == "换货"
    resp = api_as(clerk).patch(f"/api/v1/complaints/{number}/", {"type": "weather"}, format="json")
    assert resp.status_code == 400 and "type" in resp.json()["fields"]
    assert api_as(clerk).put(f"/api/v1/complaints/{number}/", BODY, format="json").status_code == 405


def test_r_cmp_2_api_list_filters_overdue_and_department(api_as, clerk, department):
    client = api_as(clerk)
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False):
        late = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    fresh = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    routed = client.post("/api/v1/complaints/", BODY, format="json").json()["number"]
    client.post(f"/api/v1/complaints/{routed}/route/", {"valid": True, "department": "clothing"}, format="json")
    numbers = lambda q: [r["number"] for r in client.get("/api/v1/complaints/", q).json()["results"]]  # noqa: E731
    assert numbers({"overdue": "true"}) == [late]
    assert set(numbers({"overdue": "false"})) == {fresh, routed}
    assert numbers({"department": "clothing"}) == [routed]


def _awaiting_notice(api_as, clerk, supervisor, dept_user):
    number = api_as(clerk).post("/api/v1/complaints/", BODY, format="json").json()["number"]
    url = f"/api/v1/complaints/{number}"
    api_as(clerk).post(f"{url}/route/", {"valid": True, "department": "clothing"}, format="json")
    api_as(dept_user).post(f"{url}/feedback/", {"investigation": "查", "result": "属实", "proposed_handling": "退货"},
                           format="json")
    assert api_as(supervisor).post(f"{url}/approve/", {}, format="json").status_code == 200
    return url


def test_r_cmp_6_reply_with_never_use_phrase_through_the_api_is_refused_naming_the_field(
        api_as, clerk, supervisor, department, dept_user):
    url = _awaiting_notice(api_as, clerk, supervisor, dept_user)
    resp = api_as(clerk).post(f"{url}/notify/", {"reply": "我保证明天给您退款"}, format="json")
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "R-CMP-6" and body["fields"] == {"reply": ["我保证"]} and "我保证" in body["detail"]
    assert api_as(clerk).get(f"{url}/").json()["status"] == "awaiting_notice"  # nothing happened
    # knowingly confirmed: sent, and the event keeps the flagged phrase
    resp = api_as(clerk).post(f"{url}/notify/", {"reply": "我保证明天给您退款", "confirm_flagged": True}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "awaiting_execution"
    assert api_as(clerk).get(f"{url}/events/").json()[-1]["parameters"]["flagged"] == ["我保证"]


def test_r_cmp_6_route_invalid_reply_with_never_use_phrase_is_refused(api_as, clerk):
    number = api_as(clerk).post("/api/v1/complaints/", BODY, format="json").json()["number"]
    resp = api_as(clerk).post(f"/api/v1/complaints/{number}/route/", {"valid": False, "reply": "这与我们无关"},
                              format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "R-CMP-6" and "reply" in resp.json()["fields"]
    resp = api_as(clerk).post(f"/api/v1/complaints/{number}/route/", {"valid": True}, format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "R-CMP-2" and "department" in resp.json()["fields"]
