"""The contract's broadcast endpoints (api-contract.md, "Broadcast (R-BC)"), every error code included."""

from datetime import timedelta

import pytest
from django.utils import timezone

from broadcast.models import AirLogEntry, Promotion, Script, UrgentInsert
from tests.broadcast.conftest import DAY
from tests.factories.broadcast import ApprovedScriptFactory, ScriptFactory

pytestmark = pytest.mark.django_db


def items(body, kind=None):
    return [(i["at"], i["title"]) for i in body["items"] if kind is None or i["kind"] == kind]


# ---- days (R-BC-1, R-BC-3) --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["announcer", "desk_supervisor", "clerk"])
def test_day_plan_default_hours_for_the_desk_roles(api_as, user_in_role, role):
    response = api_as(user_in_role(role)).get(f"/api/v1/broadcast/days/{DAY}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["date"], body["opening"], body["closing"]) == (DAY, "08:00", "22:00")
    assert body["items"][0] == {"at": "07:50", "kind": "fixed", "title": "激励性歌曲", "script": None,
                                "promotion": None, "moved_from": None}
    assert [i["at"] for i in body["items"]] == sorted(i["at"] for i in body["items"])
    assert {at for at, _t in items(body, "moment")} == {"07:55", "21:45", "21:55"}  # R-BC-3 for 08:00–22:00
    assert len(items(body, "fixed")) == 20


@pytest.mark.parametrize("role", ["cashier", "counter_staff", "pos"])
def test_day_plan_refused_to_roles_without_broadcast(api_as, user_in_role, role):
    assert api_as(user_in_role(role)).get(f"/api/v1/broadcast/days/{DAY}/").status_code == 403


def test_day_plan_needs_login(api_client):
    assert api_client.get(f"/api/v1/broadcast/days/{DAY}/").status_code in (401, 403)


def test_day_plan_bad_date_is_400(api_as, clerk):
    response = api_as(clerk).get("/api/v1/broadcast/days/2026-13-45/")
    assert response.status_code == 400 and "date" in response.json()["fields"]


def test_r_bc_1_put_hours_0900_2130_shifts_the_plan(api_as, supervisor):
    response = api_as(supervisor).put(f"/api/v1/broadcast/days/{DAY}/hours/", {"opening": "09:00", "closing": "21:30"},
                                      format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["opening"], body["closing"]) == ("09:00", "21:30")
    fixed = dict((t, a) for a, t in items(body, "fixed"))
    assert fixed["激励性歌曲"] == "08:50" and fixed["国外歌曲选播"] == "13:30" and fixed["闭店前预告"] == "21:10"
    assert [a for a, _t in items(body, "moment")] == ["08:55", "21:15", "21:25"]  # R-BC-3
    # the next day keeps the weekly hours
    other = api_as(supervisor).get("/api/v1/broadcast/days/2026-12-06/").json()
    assert (other["opening"], other["closing"]) == ("08:00", "22:00")


@pytest.mark.parametrize(("opening", "closing"), [("09:00", "09:00"), ("21:30", "09:00")])
def test_r_bc_1_closing_not_after_opening_is_400(api_as, supervisor, opening, closing):
    response = api_as(supervisor).put(f"/api/v1/broadcast/days/{DAY}/hours/", {"opening": opening, "closing": closing},
                                      format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "R-BC-1" and "closing" in response.json()["fields"]


def test_put_hours_bad_time_is_400_naming_the_field(api_as, supervisor):
    response = api_as(supervisor).put(f"/api/v1/broadcast/days/{DAY}/hours/", {"opening": "9点", "closing": "21:30"},
                                      format="json")
    assert response.status_code == 400 and "opening" in response.json()["fields"]


@pytest.mark.parametrize("role", ["announcer", "clerk"])
def test_put_hours_is_the_desk_supervisors(api_as, user_in_role, role):
    response = api_as(user_in_role(role)).put(f"/api/v1/broadcast/days/{DAY}/hours/",
                                              {"opening": "09:00", "closing": "21:30"}, format="json")
    assert response.status_code == 403


# ---- scripts (R-BC-5) -------------------------------------------------------------------------------------
def test_r_bc_5_script_draft_submit_approve(api_as, announcer, supervisor):
    ann = api_as(announcer)
    created = ann.post("/api/v1/broadcast/scripts/", {"title": "冬季特卖", "text": "全场 / **八折**", "kind": "promotion"},
                       format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "draft" and created.json()["id"]
    sid = created.json()["id"]
    assert ann.post(f"/api/v1/broadcast/scripts/{sid}/submit/").json()["status"] == "awaiting_review"
    assert ann.post(f"/api/v1/broadcast/scripts/{sid}/approve/").status_code == 403  # an announcer approving
    approved = api_as(supervisor).post(f"/api/v1/broadcast/scripts/{sid}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert Script.objects.get(pk=sid).reviewed_by == supervisor
    assert [e.type for e in Script.objects.get(pk=sid).events.all()] == ["created", "submitted", "approved"]


def test_r_bc_5_supervisor_never_approves_own_script(api_as, supervisor, supervisor2):
    sid = api_as(supervisor).post("/api/v1/broadcast/scripts/", {"title": "t", "text": "x", "kind": "notice"},
                                  format="json").json()["id"]
    api_as(supervisor).post(f"/api/v1/broadcast/scripts/{sid}/submit/")
    refused = api_as(supervisor).post(f"/api/v1/broadcast/scripts/{sid}/approve/")
    assert refused.status_code == 403 and refused.json()["code"] == "R-BC-5"
    assert api_as(supervisor2).post(f"/api/v1/broadcast/scripts/{sid}/approve/").json()["status"] == "approved"


def test_r_bc_5_approving_a_draft_not_submitted_is_409(api_as, announcer, supervisor):
    script = ScriptFactory(author=announcer)
    response = api_as(supervisor).post(f"/api/v1/broadcast/scripts/{script.pk}/approve/")
    assert response.status_code == 409 and response.json()["code"] == "R-BC-5"


def test_r_bc_5_reject_with_reason_goes_back_to_draft(api_as, announcer, supervisor):
    script = ScriptFactory(author=announcer, status="awaiting_review")
    api = api_as(supervisor)
    assert api.post(f"/api/v1/broadcast/scripts/{script.pk}/reject/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/broadcast/scripts/{script.pk}/reject/", {"reason": "品牌名读音未标注"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    script.refresh_from_db()
    assert script.rejection_reason == "品牌名读音未标注" and script.status == "draft"
    assert api.post(f"/api/v1/broadcast/scripts/{script.pk}/reject/", {"reason": "again"},
                    format="json").status_code == 409


def test_scripts_clerk_may_not_write(api_as, clerk):
    response = api_as(clerk).post("/api/v1/broadcast/scripts/", {"title": "t", "text": "x", "kind": "notice"},
                                  format="json")
    assert response.status_code == 403


def test_script_bad_kind_is_400(api_as, announcer):
    response = api_as(announcer).post("/api/v1/broadcast/scripts/", {"title": "t", "text": "x", "kind": "jingle"},
                                      format="json")
    assert response.status_code == 400 and "kind" in response.json()["fields"]


def test_scripts_list_search_and_filter(api_as, announcer):
    ScriptFactory(title="冬季羊绒衫", status="approved")
    ScriptFactory(title="春节通知", status="draft")
    api = api_as(announcer)
    assert [r["title"] for r in api.get("/api/v1/broadcast/scripts/?q=羊绒").json()["results"]] == ["冬季羊绒衫"]
    titles = [r["title"] for r in api.get("/api/v1/broadcast/scripts/?status=draft").json()["results"]]
    assert "春节通知" in titles and "冬季羊绒衫" not in titles


def test_editing_an_approved_script_sends_it_back_to_draft(api_as, announcer):
    script = ApprovedScriptFactory(author=announcer)
    response = api_as(announcer).patch(f"/api/v1/broadcast/scripts/{script.pk}/", {"text": "新的词"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "draft"


def test_script_under_review_is_not_edited(api_as, announcer):
    script = ScriptFactory(author=announcer, status="awaiting_review")
    response = api_as(announcer).patch(f"/api/v1/broadcast/scripts/{script.pk}/", {"text": "x"}, format="json")
    assert response.status_code == 409


def test_printable_script_pdf(api_as, announcer):
    script = ApprovedScriptFactory(text="欢迎 / [Lancôme|兰蔻] **八折** //")
    response = api_as(announcer).get(f"/api/v1/broadcast/scripts/{script.pk}/script.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# ---- promotions (R-BC-2) ----------------------------------------------------------------------------------
def promotion_body(script, start="12:20", end="12:45", every=5, day=DAY):
    return {"title": "化妆品品牌周", "script": script.pk, "starts_at": f"{day}T{start}:00+08:00",
            "ends_at": f"{day}T{end}:00+08:00", "every_minutes": every}


def test_r_bc_2_promotion_1220_1245_every_5_slot_1230_moves_to_1233(api_as, supervisor):
    response = api_as(supervisor).post("/api/v1/broadcast/promotions/", promotion_body(ApprovedScriptFactory()),
                                       format="json")
    assert response.status_code == 201
    assert response.json()["slots"] == ["12:20", "12:25", "12:33", "12:35", "12:40", "12:45"]
    assert response.json()["id"] == Promotion.objects.get().pk
    day = api_as(supervisor).get(f"/api/v1/broadcast/days/{DAY}/").json()
    promo = [i for i in day["items"] if i["kind"] == "promotion"]
    assert [i["at"] for i in promo] == ["12:20", "12:25", "12:33", "12:35", "12:40", "12:45"]
    assert [i["moved_from"] for i in promo if i["moved_from"]] == ["12:30"]


def test_r_bc_2_contract_example_1000_1200_every_7(api_as, supervisor):
    response = api_as(supervisor).post("/api/v1/broadcast/promotions/",
                                       promotion_body(ApprovedScriptFactory(), "10:00", "12:00", 7), format="json")
    slots = response.json()["slots"]
    # the default plan has items at 10:00, 10:30, 11:00 and 11:30: those slots move 3 minutes on (R-BC-2)
    assert slots[:3] == ["10:03", "10:07", "10:14"] and slots[-1] == "11:59" and len(slots) == 18


def test_r_bc_2_later_promotion_moves_on_a_minute(api_as, supervisor):
    api = api_as(supervisor)
    first = api.post("/api/v1/broadcast/promotions/", promotion_body(ApprovedScriptFactory(), "14:00", "14:20", 10),
                     format="json").json()
    second = api.post("/api/v1/broadcast/promotions/", promotion_body(ApprovedScriptFactory(), "14:00", "14:21", 10),
                      format="json").json()
    assert first["slots"] == ["14:00", "14:10", "14:20"]
    assert second["slots"] == ["14:01", "14:11", "14:21"]


def test_r_bc_5_promotion_needs_an_approved_script(api_as, supervisor):
    response = api_as(supervisor).post("/api/v1/broadcast/promotions/", promotion_body(ScriptFactory()), format="json")
    assert response.status_code == 400 and response.json()["code"] == "R-BC-5"
    assert "script" in response.json()["fields"]


@pytest.mark.parametrize("every", [4, 11])
def test_r_bc_2_every_minutes_outside_5_10_is_400(api_as, supervisor, every):
    response = api_as(supervisor).post("/api/v1/broadcast/promotions/",
                                       promotion_body(ApprovedScriptFactory(), every=every), format="json")
    assert response.status_code == 400 and response.json()["code"] == "R-BC-2"
    assert "every_minutes" in response.json()["fields"]


@pytest.mark.parametrize("end", ["12:20", "12:00"])
def test_promotion_end_not_after_start_is_400(api_as, supervisor, end):
    response = api_as(supervisor).post("/api/v1/broadcast/promotions/",
                                       promotion_body(ApprovedScriptFactory(), end=end), format="json")
    assert response.status_code == 400 and "ends_at" in response.json()["fields"]
    assert Promotion.objects.count() == 0


def test_promotion_unknown_script_is_400(api_as, supervisor):
    body = promotion_body(ApprovedScriptFactory())
    body["script"] = 999999
    response = api_as(supervisor).post("/api/v1/broadcast/promotions/", body, format="json")
    assert response.status_code == 400 and "script" in response.json()["fields"]


@pytest.mark.parametrize("role", ["announcer", "clerk"])
def test_promotions_are_the_desk_supervisors(api_as, user_in_role, role):
    response = api_as(user_in_role(role)).post("/api/v1/broadcast/promotions/",
                                               promotion_body(ApprovedScriptFactory()), format="json")
    assert response.status_code == 403


def test_promotion_without_offset_is_store_time(api_as, supervisor):
    body = promotion_body(ApprovedScriptFactory())
    body["starts_at"], body["ends_at"] = f"{DAY}T12:20:00", f"{DAY}T12:45:00"
    assert api_as(supervisor).post("/api/v1/broadcast/promotions/", body, format="json").json()["slots"][0] == "12:20"


def test_promotions_list_running_on_a_day(api_as, supervisor):
    api = api_as(supervisor)
    api.post("/api/v1/broadcast/promotions/", promotion_body(ApprovedScriptFactory()), format="json")
    assert len(api.get(f"/api/v1/broadcast/promotions/?on={DAY}").json()["results"]) == 1
    assert len(api.get("/api/v1/broadcast/promotions/?on=2026-12-06").json()["results"]) == 0


# ---- inserts and the queue (R-BC-4) ----------------------------------------------------------------------
@pytest.mark.parametrize("role", ["clerk", "announcer", "desk_supervisor"])
def test_r_bc_4_raise_insert(api_as, user_in_role, role):
    response = api_as(user_in_role(role)).post("/api/v1/broadcast/inserts/",
                                               {"kind": "lost_child", "text": "穿红色外套的男孩"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["priority"], body["status"]) == ("lost_child", 2, "queued") and body["id"]
    assert "穿红色外套的男孩" in body["text"] and "一楼服务台" in body["text"]  # the approved template, filled in


def test_r_bc_4_raise_bad_kind_is_400(api_as, clerk):
    response = api_as(clerk).post("/api/v1/broadcast/inserts/", {"kind": "fire", "text": "x"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["fields"]


@pytest.mark.parametrize("role", ["cashier", "finance"])
def test_r_bc_4_raise_refused_to_other_roles(api_as, user_in_role, role):
    response = api_as(user_in_role(role)).post("/api/v1/broadcast/inserts/", {"kind": "special", "text": "x"},
                                               format="json")
    assert response.status_code == 403


def test_r_bc_4_queue_emergency_first_then_by_kind_then_time_then_the_plan_item(api_as, clerk, announcer):
    api = api_as(clerk)
    for kind in ("lost_property", "special", "lost_child", "lost_person", "emergency", "lost_child"):
        api.post("/api/v1/broadcast/inserts/", {"kind": kind, "text": kind}, format="json")
    body = api_as(announcer).get("/api/v1/broadcast/queue/").json()
    kinds = [n["kind"] for n in body["next"]]
    assert kinds[:6] == ["emergency", "lost_child", "lost_child", "lost_person", "special", "lost_property"]
    children = [n["insert"] for n in body["next"] if n["kind"] == "lost_child"]
    assert children == sorted(children)  # by time queued
    assert all(n["insert"] is not None for n in body["next"][:6])
    assert {"insert", "kind", "title", "text"} <= set(body["next"][0])
    tail = body["next"][6:]
    assert len(tail) <= 1 and all(n["insert"] is None and n["kind"] in ("fixed", "moment", "promotion") for n in tail)


def test_r_bc_4_aired_once_then_409_and_logged(api_as, clerk, announcer):
    insert_id = api_as(clerk).post("/api/v1/broadcast/inserts/", {"kind": "lost_child", "text": "x"},
                                   format="json").json()["id"]
    booth = api_as(announcer)
    response = booth.post(f"/api/v1/broadcast/inserts/{insert_id}/aired/")
    assert response.status_code == 200 and response.json()["status"] == "aired"
    entry = AirLogEntry.objects.get(insert_id=insert_id)
    assert entry.by == announcer and entry.kind == "insert"
    again = booth.post(f"/api/v1/broadcast/inserts/{insert_id}/aired/")
    assert again.status_code == 409 and again.json()["code"] == "R-BC-4"
    assert AirLogEntry.objects.filter(insert_id=insert_id).count() == 1
    assert insert_id not in [n["insert"] for n in booth.get("/api/v1/broadcast/queue/").json()["next"]]


def test_r_bc_4_a_clerk_may_not_mark_aired(api_as, clerk):
    insert_id = api_as(clerk).post("/api/v1/broadcast/inserts/", {"kind": "special", "text": "x"},
                                   format="json").json()["id"]
    assert api_as(clerk).post(f"/api/v1/broadcast/inserts/{insert_id}/aired/").status_code == 403


def test_aired_unknown_insert_is_404(api_as, announcer):
    assert api_as(announcer).post("/api/v1/broadcast/inserts/999999/aired/").status_code == 404


def test_r_bc_4_expired_insert_leaves_the_queue_and_cannot_air(api_as, clerk, announcer):
    insert_id = api_as(clerk).post("/api/v1/broadcast/inserts/", {"kind": "special", "text": "x"},
                                   format="json").json()["id"]
    UrgentInsert.objects.filter(pk=insert_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = api_as(announcer).get("/api/v1/broadcast/queue/").json()
    assert insert_id not in [n["insert"] for n in body["next"]]
    assert insert_id in [e["insert"] for e in body["expired"]]
    assert api_as(announcer).post(f"/api/v1/broadcast/inserts/{insert_id}/aired/").status_code == 409


def test_inserts_list_filters(api_as, clerk):
    api = api_as(clerk)
    api.post("/api/v1/broadcast/inserts/", {"kind": "lost_property", "text": "黑色钱包", "source_ref": "SW-20261205-0001"},
             format="json")
    api.post("/api/v1/broadcast/inserts/", {"kind": "special", "text": "电梯检修"}, format="json")
    assert [r["kind"] for r in api.get("/api/v1/broadcast/inserts/?kind=lost_property").json()["results"]] == [
        "lost_property"]
    assert len(api.get("/api/v1/broadcast/inserts/?q=SW-20261205").json()["results"]) == 1
    today = timezone.localdate().isoformat()
    assert len(api.get(f"/api/v1/broadcast/inserts/?date={today}").json()["results"]) == 2


# ---- the log (R-BC-6) ------------------------------------------------------------------------------------
def test_r_bc_6_log_post_and_list_by_date(api_as, announcer):
    api = api_as(announcer)
    response = api.post("/api/v1/broadcast/log/", {"kind": "fixed", "title": "流行歌曲选播",
                                                   "aired_at": "2026-12-05T12:31:00+08:00"}, format="json")
    assert response.status_code == 201
    assert response.json()["planned_at"] == "12:30"  # tied to the sheet's 12:30 item
    body = api.get(f"/api/v1/broadcast/log/?date={DAY}").json()
    assert body["results"][0]["kind"] == "fixed" and body["results"][0]["title"] == "流行歌曲选播"
    assert body["results"][0]["by"] == "announcer_li"
    assert body["results"][0]["aired_at"].startswith("2026-12-05T12:31:00")
    assert api.get("/api/v1/broadcast/log/?date=2026-12-06").json()["results"] == []


def test_r_bc_6_logging_a_sheet_slot_twice_is_409(api_as, announcer):
    api = api_as(announcer)
    body = {"kind": "fixed", "title": "流行歌曲选播", "aired_at": "2026-12-05T12:31:00+08:00", "planned_at": "12:30"}
    assert api.post("/api/v1/broadcast/log/", body, format="json").status_code == 201
    again = api.post("/api/v1/broadcast/log/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "R-BC-6"


def test_r_bc_6_log_post_refused_to_clerk_and_bad_input_is_400(api_as, clerk, announcer):
    body = {"kind": "other", "title": "临时通知", "aired_at": "2026-12-05T12:31:00+08:00"}
    assert api_as(clerk).post("/api/v1/broadcast/log/", body, format="json").status_code == 403
    bad = api_as(announcer).post("/api/v1/broadcast/log/", {**body, "aired_at": "noon"}, format="json")
    assert bad.status_code == 400 and "aired_at" in bad.json()["fields"]
    assert api_as(announcer).get("/api/v1/broadcast/log/?date=05-12-2026").status_code == 400


def test_r_bc_6_day_check_shows_missed_items(api_as, announcer):
    api = api_as(announcer)
    past = "2025-06-07"  # a day gone by: everything not logged is missed
    api.post("/api/v1/broadcast/log/", {"kind": "fixed", "title": "激励性歌曲", "aired_at": f"{past}T07:50:30+08:00"},
             format="json")
    body = api.get(f"/api/v1/broadcast/days/{past}/check/").json()
    statuses = {(i["at"], i["title"]): i["status"] for i in body["items"]}
    assert statuses[("07:50", "激励性歌曲")] == "aired"
    assert statuses[("12:30", "流行歌曲选播")] == "missed"
    assert list(statuses.values()).count("aired") == 1


def test_sheet_pdf(api_as, clerk):
    response = api_as(clerk).get(f"/api/v1/broadcast/days/{DAY}/sheet.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_booth_handover_and_maintenance_api(api_as, announcer, user_in_role):
    api = api_as(announcer)
    note = api.post("/api/v1/broadcast/handovers/", {"shift_date": DAY, "shift": "early", "notes": "二号功放音量偏小",
                                                     "equipment_ok": False}, format="json")
    assert note.status_code == 201 and note.json()["written_by"] == "announcer_li"
    assert api.post("/api/v1/broadcast/handovers/", {"shift_date": DAY, "shift": "early", "notes": "x"},
                    format="json").status_code == 409
    assert api.post(f"/api/v1/broadcast/handovers/{note.json()['id']}/acknowledge/").status_code == 403  # own note
    other = api_as(user_in_role("announcer"))
    assert other.post(f"/api/v1/broadcast/handovers/{note.json()['id']}/acknowledge/").status_code == 200
    record = api.post("/api/v1/broadcast/maintenance/", {"equipment": "功放", "kind": "repair", "description": "更换保险丝",
                                                         "result": "fixed"}, format="json")
    assert record.status_code == 201 and record.json()["done_by"] == "announcer_li"
    assert len(api.get("/api/v1/broadcast/maintenance/?q=保险丝").json()["results"]) == 1


def test_r_bc_2_promotion_over_two_days_slots_by_day(api_as, supervisor):
    body = promotion_body(ApprovedScriptFactory(), "23:40", "00:10", 10)
    body["ends_at"] = "2026-12-06T00:10:00+08:00"
    created = api_as(supervisor).post("/api/v1/broadcast/promotions/", body, format="json").json()
    assert created["slots"] == ["23:40", "23:50"]
    assert created["slots_by_day"] == {"2026-12-05": ["23:40", "23:50"], "2026-12-06": ["00:00", "00:10"]}
    again = api_as(supervisor).get(f"/api/v1/broadcast/promotions/{created['id']}/slots/").json()
    assert again["slots_by_day"] == created["slots_by_day"]


@pytest.mark.parametrize("path", ["/api/v1/broadcast/days/9999-12-31/", "/api/v1/broadcast/days/0001-01-01/",
                                  "/api/v1/broadcast/days/9999-12-31/check/", "/api/v1/broadcast/log/?date=9999-12-31"])
def test_days_out_of_range_are_400_never_500(api_as, supervisor, path):
    response = api_as(supervisor).get(path)
    assert response.status_code == 400 and "date" in response.json()["fields"]


def test_times_out_of_range_are_400_never_500(api_as, supervisor, announcer):
    body = promotion_body(ApprovedScriptFactory(), day="9999-12-31")
    response = api_as(supervisor).post("/api/v1/broadcast/promotions/", body, format="json")
    assert response.status_code == 400 and "starts_at" in response.json()["fields"]
    response = api_as(announcer).post("/api/v1/broadcast/log/", {"kind": "fixed", "title": "x",
                                                                 "aired_at": "9999-12-31T23:59:00+08:00"}, format="json")
    assert response.status_code == 400 and "aired_at" in response.json()["fields"]
    assert api_as(supervisor).get("/api/v1/broadcast/promotions/?on=9999-12-31").json()["results"] == []
    assert api_as(supervisor).get("/api/v1/broadcast/inserts/?date=9999-12-31").json()["results"] == []
    hours = api_as(supervisor).put("/api/v1/broadcast/days/9999-12-31/hours/", {"opening": "09:00", "closing": "21:00"},
                                   format="json")
    assert hours.status_code == 400


# ---- the schema tells what the endpoints answer (the fuzz run) -------------------------------------------
def test_script_patch_with_an_unknown_key_is_400_naming_it(api_as, announcer):
    script = ScriptFactory(author=announcer)
    response = api_as(announcer).patch(f"/api/v1/broadcast/scripts/{script.pk}/", {"text": "x", "colour": 1},
                                       format="json")
    assert response.status_code == 400 and "colour" in response.json()["fields"]


def test_log_with_an_empty_date_is_400(api_as, announcer):
    response = api_as(announcer).get("/api/v1/broadcast/log/?date=")
    assert response.status_code == 400 and "date" in response.json()["fields"]


def test_schema_nullable_usernames_and_hhmm_times():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for name, field in [("Script", "author"), ("Script", "reviewed_by"), ("UrgentInsert", "aired_by"),
                        ("BoothHandover", "acknowledged_by"), ("AirLogEntry", "planned_at")]:
        assert schemas[name]["properties"][field].get("nullable") is True, (name, field)
    for name, field in [("PlanItem", "at"), ("PlanVersion", "reference_opening"), ("AirLogEntry", "planned_at")]:
        prop = schemas[name]["properties"][field]
        assert "format" not in prop and prop["pattern"] == r"^\d{2}:\d{2}$", (name, field)
