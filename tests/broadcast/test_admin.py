"""Admin pages of the booth: the booth page and its live fragment, the clerk's raise page, one-click aired,
script review, the supervisor-only plan pages, the planned-versus-aired page, dashboard tile, demo data."""

import io
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from broadcast import services
from broadcast.models import AirLogEntry, PlanVersion, Promotion, Script, UrgentInsert
from tests.factories.broadcast import ApprovedScriptFactory, ScriptFactory

pytestmark = pytest.mark.django_db


def logged(client, user):
    client.force_login(user)
    return client


BOOTH = "admin:broadcast_urgentinsert_booth"


@pytest.mark.parametrize(("role", "status"), [("announcer", 200), ("desk_supervisor", 200), ("clerk", 200),
                                              ("cashier", 403), ("counter_staff", 403)])
def test_booth_page_permissions(client, user_in_role, role, status):
    assert logged(client, user_in_role(role)).get(reverse(BOOTH)).status_code == status


def test_booth_page_needs_login(client):
    response = client.get(reverse(BOOTH))
    assert response.status_code == 302 and "/login/" in response.url


def test_booth_shows_queue_on_top_timeline_with_now_and_next(client, announcer, clerk):
    services.urgent_insert_raise(kind="lost_child", text="穿红色外套的男孩", user=clerk)
    page = logged(client, announcer).get(reverse(BOOTH)).content.decode()
    assert page.index('id="insert-queue"') < page.index('id="next-item"') < page.index('id="timeline"')
    assert "穿红色外套的男孩" in page and 'name="aired"' in page
    assert 'id="now-marker"' in page and "booth/live/" in page
    live = client.get(reverse("admin:broadcast_urgentinsert_booth_live")).content.decode()
    assert "穿红色外套的男孩" in live and "<html" not in live


def test_booth_clerk_sees_no_aired_button(client, clerk):
    services.urgent_insert_raise(kind="lost_child", text="x", user=clerk)
    assert 'name="aired"' not in logged(client, clerk).get(reverse(BOOTH)).content.decode()


def test_raise_page_one_step(client, clerk):
    url = reverse("admin:broadcast_urgentinsert_raise")
    page = logged(client, clerk).get(url)
    assert page.status_code == 200 and b'name="kind"' in page.content
    response = client.post(url, {"kind": "lost_child", "details": "约五岁，穿红色外套", "source_ref": ""})
    assert response.status_code == 302
    insert = UrgentInsert.objects.get()
    assert (insert.kind, insert.priority, insert.raised_by) == ("lost_child", 2, clerk)
    assert "约五岁，穿红色外套" in insert.text


def test_raise_page_refused_without_permission(client, user_in_role):
    assert logged(client, user_in_role("cashier")).get(reverse("admin:broadcast_urgentinsert_raise")).status_code == 403


def test_one_click_aired_for_inserts_and_sheet_items(client, announcer, clerk):
    insert = services.urgent_insert_raise(kind="emergency", text="x", user=clerk)
    logged(client, announcer)
    response = client.post(reverse("admin:broadcast_urgentinsert_air_insert", args=[insert.pk]))
    assert response.status_code == 302
    insert.refresh_from_db()
    assert insert.status == "aired" and insert.aired_by == announcer
    response = client.post(reverse("admin:broadcast_urgentinsert_air_item"),
                           {"kind": "fixed", "title": "流行歌曲选播", "planned_at": "12:30"})
    assert response.status_code == 302
    entry = AirLogEntry.objects.get(kind="fixed")
    assert entry.planned_at == time(12, 30) and entry.by == announcer


def test_aired_refused_to_a_clerk(client, clerk):
    insert = services.urgent_insert_raise(kind="emergency", text="x", user=clerk)
    logged(client, clerk)
    assert client.post(reverse("admin:broadcast_urgentinsert_air_insert", args=[insert.pk])).status_code == 403
    assert client.post(reverse("admin:broadcast_urgentinsert_air_item"), {}).status_code == 403


def test_script_admin_add_submit_and_review(client, announcer, supervisor):
    logged(client, announcer)
    response = client.post(reverse("admin:broadcast_script_add"),
                           {"title": "圣诞促销", "kind": "promotion", "text": "全场 / **八折** [Dior|迪奥]",
                            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content[:2000]
    script = Script.objects.get(title="圣诞促销")
    assert script.author == announcer and script.status == "draft" and script.events.get().type == "created"
    change = client.get(reverse("admin:broadcast_script_change", args=[script.pk])).content.decode()
    assert "bc-stress" in change and "<rt>迪奥</rt>" in change  # reading marks shown
    review = reverse("admin:broadcast_script_review", args=[script.pk])
    client.post(review, {"step": "submit"})
    client.post(review, {"step": "approve"})  # the announcer: refused with a message
    script.refresh_from_db()
    assert script.status == "awaiting_review"
    logged(client, supervisor).post(review, {"step": "approve"})
    script.refresh_from_db()
    assert script.status == "approved" and script.reviewed_by == supervisor
    pdf = client.get(reverse("admin:broadcast_script_pdf", args=[script.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_script_admin_reject_needs_a_reason(client, announcer, supervisor):
    script = ScriptFactory(author=announcer, status="awaiting_review")
    review = reverse("admin:broadcast_script_review", args=[script.pk])
    logged(client, supervisor).post(review, {"step": "reject", "reason": ""})
    script.refresh_from_db()
    assert script.status == "awaiting_review"
    client.post(review, {"step": "reject", "reason": "读音未标注"})
    script.refresh_from_db()
    assert script.status == "draft" and script.rejection_reason == "读音未标注"


@pytest.mark.parametrize("name", ["planversion", "promotion", "dayhours", "weeklyhours", "broadcastpolicy",
                                  "inserttemplate"])
def test_plan_pages_are_the_supervisors_not_the_announcers(client, announcer, supervisor, name):
    url = reverse(f"admin:broadcast_{name}_add")
    assert logged(client, announcer).get(url).status_code == 403
    assert logged(client, supervisor).get(url).status_code == 200


def test_announcer_cannot_change_the_plan(client, announcer):
    plan = PlanVersion.objects.get()
    page = logged(client, announcer).post(reverse("admin:broadcast_planversion_change", args=[plan.pk]),
                                          {"name": "改掉"})
    assert page.status_code in (200, 403)
    plan.refresh_from_db()
    assert plan.name == "默认播音计划"


def test_promotion_admin_refuses_unapproved_script_and_bad_interval(client, supervisor):
    logged(client, supervisor)
    now = timezone.localtime()
    data = {"title": "t", "script": ScriptFactory().pk, "starts_at_0": now.strftime("%Y-%m-%d"), "starts_at_1": "10:00",
            "ends_at_0": now.strftime("%Y-%m-%d"), "ends_at_1": "11:00", "every_minutes": "12", "active": "on"}
    page = client.post(reverse("admin:broadcast_promotion_add"), data)
    assert page.status_code == 200 and Promotion.objects.count() == 0
    assert "R-BC-5" in page.content.decode() and "R-BC-2" in page.content.decode()
    data.update(script=ApprovedScriptFactory().pk, every_minutes="7")
    assert client.post(reverse("admin:broadcast_promotion_add"), data).status_code == 302
    assert Promotion.objects.get().created_by == supervisor


def test_planned_and_aired_page(client, announcer):
    services.air_log_record(kind="fixed", title="激励性歌曲", aired_at=timezone.now().replace(hour=0), user=announcer)
    page = logged(client, announcer).get(reverse("admin:broadcast_airlogentry_check"), {"date": "2026-12-05"})
    assert page.status_code == 200 and b'id="check"' in page.content


def test_sheet_pdf_from_the_booth(client, announcer):
    response = logged(client, announcer).get(reverse("admin:broadcast_urgentinsert_sheet_pdf"), {"date": "2026-12-05"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_dashboard_tile_counts_inserts_and_scripts_to_review(client, clerk, supervisor, announcer):
    services.urgent_insert_raise(kind="lost_child", text="x", user=clerk)
    ScriptFactory(author=announcer, status="awaiting_review")
    page = logged(client, supervisor).get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    from broadcast.dashboard import tiles

    class Req:
        user = supervisor

    from django.utils import translation

    with translation.override("en"):
        tile = tiles(Req())[0]
    values = {line.label: line.value for line in tile.lines}
    assert values["Urgent inserts waiting"] == 1 and values["Scripts awaiting review"] == 1
    assert page.status_code == 200


def test_demo_data_a_day_with_two_promotions_idempotent():
    from broadcast import demo
    from servicedesk import demo as desk_demo

    out = io.StringIO()
    desk_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    assert Promotion.objects.count() == 2
    assert all(p.script.status == "approved" for p in Promotion.objects.select_related("script"))
    assert Script.objects.filter(status="awaiting_review").count() == 1
    assert UrgentInsert.objects.count() == 1


def test_announcer_reads_the_plan_lists_without_editing(client, announcer):
    logged(client, announcer)
    for name in ("weeklyhours", "planversion", "promotion", "broadcastpolicy"):
        page = client.get(reverse(f"admin:broadcast_{name}_changelist"))
        assert page.status_code == 200, name
    assert b'name="form-0-opening"' not in client.get(reverse("admin:broadcast_weeklyhours_changelist")).content
