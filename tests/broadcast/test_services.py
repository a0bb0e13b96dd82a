"""Services and selectors of the booth against the database (seeded policy, weekly hours and default plan)."""

import threading
from datetime import date, time, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from broadcast import selectors, services
from broadcast.models import (
    AirLogEntry,
    BroadcastPolicy,
    InsertTemplate,
    PlanItem,
    PlanVersion,
    UrgentInsert,
    WeeklyHours,
)
from broadcast.tasks import urgent_inserts_expire
from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from tests.broadcast.conftest import store
from tests.factories.broadcast import (
    ApprovedScriptFactory,
    PlanItemFactory,
    PlanVersionFactory,
    PromotionFactory,
    ScriptFactory,
    UrgentInsertFactory,
)

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 5)


def sheet_times(day=DAY, kind=None):
    return [(i.at, i.title) for i in selectors.day_sheet(day=day).sheet.items if kind is None or i.kind == kind]


def test_seeded_policy_hours_plan_and_templates():
    policy = BroadcastPolicy.objects.get()
    assert (policy.promotion_every_min, policy.promotion_every_max, policy.clearance_minutes) == (5, 10, 2)
    assert (policy.welcome_before_opening, policy.closing_reminder_before_closing, policy.farewell_before_closing) == (
        5, 15, 5)
    assert WeeklyHours.objects.count() == 7
    assert {(w.opening, w.closing) for w in WeeklyHours.objects.all()} == {(time(8, 0), time(22, 0))}
    plan = PlanVersion.objects.get()
    assert plan.items.count() == 20
    assert plan.items.get(at=time(12, 30)).anchor == "clock"
    assert plan.items.get(at=time(7, 50)).anchor == "opening" and plan.items.get(at=time(22, 0)).anchor == "closing"
    assert set(InsertTemplate.objects.values_list("kind", flat=True)) == {
        "emergency", "lost_child", "lost_person", "special", "lost_property"}
    assert all(t.script.status == "approved" for t in InsertTemplate.objects.select_related("script"))


def test_r_bc_1_day_override_beats_the_weekly_pattern(supervisor):
    WeeklyHours.objects.filter(weekday=DAY.weekday()).update(opening=time(9, 30), closing=time(21, 0))
    assert selectors.day_hours(day=DAY) == (selectors.rules.Hours(time(9, 30), time(21, 0)), False)
    assert ("09:20", "激励性歌曲") in sheet_times()  # 07:50 + 1:30
    services.day_hours_set(day=DAY, opening=time(9, 0), closing=time(21, 30), user=supervisor)
    assert ("08:50", "激励性歌曲") in sheet_times() and ("21:10", "闭店前预告") in sheet_times()
    with pytest.raises(RuleViolation) as refused:
        services.day_hours_set(day=DAY, opening=time(10, 0), closing=time(10, 0), user=supervisor)
    assert refused.value.code == "R-BC-1"


def test_r_bc_1_campaign_plan_lays_over_the_seasonal_plan_until_it_ends():
    campaign = PlanVersionFactory(name="双十二", effective_from=date(2026, 12, 10), effective_until=date(2026, 12, 12))
    PlanItemFactory(version=campaign, at=time(9, 0), title="双十二开场", anchor="opening")
    assert selectors.plan_version_in_force(on=date(2026, 12, 11)) == campaign
    assert sheet_times(date(2026, 12, 11), "fixed") == [("09:00", "双十二开场")]
    assert selectors.plan_version_in_force(on=date(2026, 12, 13)).name == "默认播音计划"
    assert len(sheet_times(date(2026, 12, 13), "fixed")) == 20


def test_r_bc_5_only_approved_scripts_are_scheduled():
    script = ApprovedScriptFactory()
    PromotionFactory(script=script, starts_at=store("2026-12-05", "14:00"), ends_at=store("2026-12-05", "14:20"),
                     every_minutes=10)
    assert [a for a, _t in sheet_times(kind="promotion")] == ["14:00", "14:10", "14:20"]
    services.script_update(script=script, user=script.author, text="改过的词")  # back to draft
    assert sheet_times(kind="promotion") == []


def test_r_bc_5_plan_item_script_only_when_approved():
    plan = PlanVersion.objects.get()
    item = plan.items.get(at=time(9, 0))
    item.script = ApprovedScriptFactory()
    item.save()
    day = selectors.day_sheet(day=DAY)
    assert next(i for i in day.sheet.items if i.plan_item_id == item.pk).script_id == item.script_id
    item.script.status = "draft"
    item.script.save()
    day = selectors.day_sheet(day=DAY)
    assert next(i for i in day.sheet.items if i.plan_item_id == item.pk).script_id is None


def test_r_bc_5_plan_item_validator_refuses_an_unapproved_script():
    from django.core.exceptions import ValidationError

    item = PlanItem(version=PlanVersion.objects.get(), at=time(9, 5), title="x", anchor="clock", script=ScriptFactory())
    with pytest.raises(ValidationError):
        item.full_clean()


def test_r_bc_5_service_refusals(announcer, supervisor):
    script = services.script_create(title="t", text="x", kind="notice", user=announcer)
    with pytest.raises(Conflict):
        services.script_approve(script=script, user=supervisor)  # not submitted
    services.script_submit(script=script, user=announcer)
    with pytest.raises(NotAllowed):
        services.script_approve(script=script, user=announcer)
    with pytest.raises(Conflict):
        services.script_update(script=script, user=announcer, text="y")
    assert services.script_reject(script=script, user=supervisor, reason="太长").status == "draft"


# ---- R-BC-4: the service other apps call ----------------------------------------------------------------
def test_r_bc_4_urgent_insert_raise_empty_text_is_the_template_filled_in(clerk):
    now = store("2026-12-05", "15:04")
    insert = services.urgent_insert_raise(kind="lost_property", user=clerk, source_ref="SW-20261205-0003", now=now)
    assert (insert.kind, insert.priority, insert.status, insert.aired_at) == ("lost_property", 5, "queued", None)
    assert "SW-20261205-0003" in insert.text and "{ref}" not in insert.text and "{details}" not in insert.text
    assert insert.expires_at - insert.raised_at == timedelta(minutes=15)
    assert insert.events.get().type == "raised"


def test_r_bc_4_raise_priority_per_kind(clerk):
    got = {k: services.urgent_insert_raise(kind=k, text="x", user=clerk).priority
           for k in ("emergency", "lost_child", "lost_person", "special", "lost_property")}
    assert got == {"emergency": 1, "lost_child": 2, "lost_person": 3, "special": 4, "lost_property": 5}


def test_r_bc_4_raise_without_template_needs_text(clerk):
    InsertTemplate.objects.filter(kind="special").delete()
    with pytest.raises(RuleViolation) as refused:
        services.urgent_insert_raise(kind="special", user=clerk)
    assert refused.value.code == "R-BC-4" and "text" in refused.value.fields
    assert services.urgent_insert_raise(kind="special", text="三楼扶梯暂停使用", user=clerk).text == "三楼扶梯暂停使用"
    with pytest.raises(RuleViolation):
        services.urgent_insert_raise(kind="fire", text="x", user=clerk)


def test_r_bc_4_raise_joins_the_callers_transaction(clerk):
    """The desk-services app raises the insert inside its own transaction: a rollback leaves nothing."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.urgent_insert_raise(kind="lost_child", text="x", user=clerk)
        raise RuntimeError("the lost-child report failed")
    assert UrgentInsert.objects.count() == 0


def test_r_bc_4_expiry_is_a_policy_number_and_the_task_marks_expired(clerk):
    BroadcastPolicy.objects.update(insert_expiry_minutes=3)
    now = timezone.now()
    insert = services.urgent_insert_raise(kind="special", text="x", user=clerk, now=now - timedelta(minutes=4))
    fresh = services.urgent_insert_raise(kind="special", text="y", user=clerk, now=now)
    assert list(selectors.inserts_queued(now=now)) == [fresh]
    assert urgent_inserts_expire() == 1
    assert urgent_inserts_expire() == 0  # idempotent
    insert.refresh_from_db()
    assert insert.status == "expired" and insert.events.last().type == "expired"
    with pytest.raises(Conflict):
        services.urgent_insert_air(insert=insert, user=clerk)


def test_r_bc_4_withdraw(clerk, announcer):
    insert = services.urgent_insert_raise(kind="lost_child", text="x", user=clerk)
    services.urgent_insert_withdraw(insert=insert, user=clerk, reason="孩子已找到")
    with pytest.raises(Conflict):
        services.urgent_insert_air(insert=insert, user=announcer)


def test_r_bc_6_air_insert_writes_the_log(clerk, announcer):
    now = store("2026-12-05", "10:02")
    insert = services.urgent_insert_raise(kind="lost_child", text="x", user=clerk, source_ref="R-1",
                                          now=now - timedelta(minutes=1))
    services.urgent_insert_air(insert=insert, user=announcer, now=now)
    entry = AirLogEntry.objects.get()
    assert (entry.day, entry.kind, entry.by, entry.aired_at) == (DAY, "insert", announcer, now)
    assert "R-1" in entry.title
    assert insert.events.last().parameters["waited_seconds"] == 60


def test_r_bc_6_log_ties_a_row_to_the_nearest_unlogged_slot(announcer):
    script = ApprovedScriptFactory()
    promotion = PromotionFactory(title="羊绒衫", script=script, starts_at=store("2026-12-05", "14:00"),
                                 ends_at=store("2026-12-05", "14:20"), every_minutes=10)
    first = services.air_log_record(kind="promotion", title="羊绒衫", aired_at=store("2026-12-05", "14:01"), user=announcer)
    second = services.air_log_record(kind="promotion", title="羊绒衫", aired_at=store("2026-12-05", "14:02"), user=announcer)
    assert (first.planned_at, second.planned_at) == (time(14, 0), time(14, 10))
    assert first.promotion == promotion and first.script == script
    other = services.air_log_record(kind="other", title="临时通知", aired_at=store("2026-12-05", "14:03"), user=announcer)
    assert other.planned_at is None


def test_r_bc_6_air_check_of_a_past_day(announcer):
    services.air_log_record(kind="moment", title="迎宾曲", aired_at=store("2026-12-05", "07:55"), user=announcer)
    checks = selectors.air_check_of(day=DAY, now=store("2026-12-06", "09:00"))
    status = {(c.item.at, c.item.kind): c.status for c in checks}
    assert status[("07:55", "moment")] == "aired"
    assert status[("07:50", "fixed")] == "missed"
    assert {c.status for c in checks} == {"aired", "missed"}


def test_day_sheet_query_count(django_assert_max_num_queries):
    for hh in (10, 11, 14, 15, 16):
        PromotionFactory(starts_at=store("2026-12-05", f"{hh}:00"), ends_at=store("2026-12-05", f"{hh}:50"))
    with django_assert_max_num_queries(6):
        selectors.day_sheet(day=DAY)


def test_queue_query_count_is_bounded(api_as, announcer, clerk, django_assert_max_num_queries):
    for i in range(10):
        UrgentInsertFactory(raised_by=clerk, text=f"insert {i}")
    api = api_as(announcer)
    api.get("/api/v1/broadcast/queue/")  # warm the token and permission caches
    with django_assert_max_num_queries(14):
        assert len(api.get("/api/v1/broadcast/queue/").json()["next"]) >= 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_bc_4_two_booths_airing_one_insert_at_once_air_it_once(user_in_role):
    clerk = user_in_role("clerk")
    booths = [user_in_role("announcer"), user_in_role("announcer")]
    insert = services.urgent_insert_raise(kind="emergency", text="x", user=clerk)
    results, barrier = [], threading.Barrier(2)

    def air(user):
        try:
            barrier.wait()
            services.urgent_insert_air(insert=insert, user=user)
            results.append("aired")
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=air, args=(u,)) for u in booths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["aired", "conflict"]
    assert AirLogEntry.objects.filter(insert=insert).count() == 1


def test_cached_sheet_follows_every_change_it_depends_on(supervisor):
    today = timezone.localdate()
    first = selectors.day_sheet_cached(day=today)
    assert [i.at for i in selectors.day_sheet_cached(day=today).sheet.items] == [i.at for i in first.sheet.items]
    services.day_hours_set(day=today, opening=time(9, 0), closing=time(21, 30), user=supervisor)
    assert selectors.day_sheet_cached(day=today).sheet.hours.opening == time(9, 0)
    item = PlanItem.objects.get(version__name="默认播音计划", at=time(12, 30))
    item.at = time(12, 40)
    item.save()
    assert "12:40" in [i.at for i in selectors.day_sheet_cached(day=today).sheet.items if i.kind == "fixed"]
    item.delete()
    assert "12:40" not in [i.at for i in selectors.day_sheet_cached(day=today).sheet.items if i.kind == "fixed"]
    script = ApprovedScriptFactory()
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    PromotionFactory(script=script, starts_at=start, ends_at=start + timedelta(minutes=20), every_minutes=10)
    assert len(selectors.day_sheet_cached(day=today).sheet.slots_of(script.promotions.get().pk)) == 3
    script.status = "draft"
    script.save()
    assert selectors.day_sheet_cached(day=today).sheet.slots_of(script.promotions.get().pk) == []
