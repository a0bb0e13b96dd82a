"""Services of the complaints desk: intake, the R-CMP-3 transitions, clocks and escalation."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from complaints import services
from complaints.choices import ComplaintEventType, ComplaintStatus
from complaints.models import Complaint, ComplaintPolicy, FollowUp
from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.models import Notification

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _to_feedback(receive, clerk, department, **kwargs):
    c = receive(**kwargs)
    return services.complaint_route(complaint=c, user=clerk, valid=True, department=department, opinion="属实")


def _to_approval(receive, clerk, department, dept_user):
    c = _to_feedback(receive, clerk, department)
    return services.complaint_feedback(complaint=c, user=dept_user, investigation="专柜核实面料", result="面料问题属实",
                                       proposed_handling="全额退货并致歉")


def test_r_cmp_1_numbers_per_store_local_day_without_gaps(receive):
    with time_machine.travel(datetime(2026, 11, 23, 15, 50, tzinfo=UTC), tick=False):  # 23:50 Shanghai
        first, second = receive(), receive()
    with time_machine.travel(datetime(2026, 11, 23, 16, 10, tzinfo=UTC), tick=False):  # 00:10 next local day
        third = receive()
    assert (first.number, second.number) == ("TS-20261123-0001", "TS-20261123-0002")
    assert third.number == "TS-20261124-0001"


def test_r_cmp_1_failed_intake_gives_its_number_back(receive):
    with time_machine.travel(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), tick=False):
        receive()
        with pytest.raises(RuleViolation) as err:
            receive(cause="  ")
        assert err.value.code == "R-CMP-1" and "cause" in err.value.fields
        assert receive().number == "TS-20261123-0002"


def test_r_cmp_1_intake_records_event_and_route_by(receive, clerk):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive()
    assert c.status == ComplaintStatus.AWAITING_ROUTING and c.recorded_by == clerk
    assert c.route_by == datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    assert c.events.get().type == ComplaintEventType.RECEIVED


def test_r_cmp_2_route_by_follows_the_policy_row(receive):
    ComplaintPolicy.objects.create(effective_from=datetime(2026, 11, 1).date(), routing_hours=12, escalation_hours=6)
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive()
    assert c.route_by == datetime(2026, 11, 23, 22, 0, tzinfo=SH)


def test_r_cmp_2_route_valid_starts_department_feedback_clock(receive, clerk, department):
    with time_machine.travel(datetime(2026, 11, 23, 20, 0, tzinfo=SH), tick=False):
        c = _to_feedback(receive, clerk, department)
    assert c.status == ComplaintStatus.AWAITING_FEEDBACK
    assert c.feedback_by == datetime(2026, 11, 25, 20, 0, tzinfo=SH)
    assert c.events.filter(type=ComplaintEventType.ROUTED, user=clerk).exists()


def test_r_cmp_3_not_valid_needs_reply_and_closes(receive, clerk):
    c = receive()
    with pytest.raises(RuleViolation):
        services.complaint_route(complaint=c, user=clerk, valid=False, reply="")
    c = services.complaint_route(complaint=c, user=clerk, valid=False, reply="经核实商品为正常褶皱，已向顾客解释。")
    assert c.status == ComplaintStatus.CLOSED and c.closed_at and c.valid is False


def test_r_cmp_3_full_flow_to_closed_with_events(receive, clerk, department, dept_user, supervisor):
    c = _to_approval(receive, clerk, department, dept_user)
    assert c.answered_by == dept_user
    c = services.complaint_approve(complaint=c, user=supervisor, instruction="同意")
    c = services.complaint_notify_customer(complaint=c, user=clerk, reply="您好，处理方案是全额退货，请您周六来服务台办理。")
    c = services.complaint_carry_out(complaint=c, user=clerk, note="已办理退货 1200.00 元")
    follow = services.complaint_followup(complaint=c, user=clerk, satisfaction="satisfied", note="顾客满意")
    c.refresh_from_db()
    assert c.status == ComplaintStatus.CLOSED and c.satisfaction == "satisfied" and follow.outcome == ""
    assert list(c.events.values_list("type", flat=True)) == [
        "received", "routed", "feedback", "approved", "customer_notified", "carried_out", "followed_up",
    ]


def test_r_cmp_3_out_of_order_is_conflict(receive, clerk, supervisor):
    c = receive()
    with pytest.raises(Conflict) as err:
        services.complaint_approve(complaint=c, user=supervisor)
    assert err.value.code == "R-CMP-3" and err.value.fields["allowed"] == ["route_valid", "route_invalid"]
    with pytest.raises(Conflict):
        services.complaint_notify_customer(complaint=c, user=clerk, reply="x")


def test_r_cmp_3_clerk_cannot_approve(receive, clerk, department, dept_user):
    c = _to_approval(receive, clerk, department, dept_user)
    with pytest.raises(NotAllowed):
        services.complaint_approve(complaint=c, user=clerk)


def test_r_cmp_3_proposer_cannot_approve_own_proposal(receive, clerk, department, ops):
    c = _to_feedback(receive, clerk, department)
    c = services.complaint_feedback(complaint=c, user=ops, investigation="a", result="b", proposed_handling="c")
    with pytest.raises(NotAllowed):
        services.complaint_approve(complaint=c, user=ops)


def test_r_cmp_3_other_department_cannot_answer(receive, clerk, department, other_department):
    c = _to_feedback(receive, clerk, department)
    outsider = other_department.staff.get()
    with pytest.raises(NotAllowed):
        services.complaint_feedback(complaint=c, user=outsider, investigation="a", result="b", proposed_handling="c")


def test_r_cmp_4_serious_case_alerts_supervisor_at_once_and_needs_gm(receive, clerk, supervisor, department, dept_user, ops):
    c = receive(consumer_association=True)
    assert Notification.objects.filter(recipient=supervisor, key=f"cmp:{c.pk}:serious").exists()
    assert c.supervisor_alerted_at is not None
    with pytest.raises(NotAllowed) as err:
        services.complaint_route(complaint=c, user=clerk, valid=True, department=department)
    assert err.value.code == "R-CMP-4"
    c = services.complaint_route(complaint=c, user=supervisor, valid=True, department=department)
    c = services.complaint_feedback(complaint=c, user=dept_user, investigation="a", result="b", proposed_handling="c")
    with pytest.raises(NotAllowed):
        services.complaint_approve(complaint=c, user=supervisor)
    assert services.complaint_approve(complaint=c, user=ops, instruction="总经理批示：同意").approved_by == ops


def test_r_cmp_3_dissatisfied_reopens_with_new_clock(receive, clerk, department, dept_user, supervisor):
    c = _to_approval(receive, clerk, department, dept_user)
    c = services.complaint_approve(complaint=c, user=supervisor)
    c = services.complaint_notify_customer(complaint=c, user=clerk, reply="方案")
    c = services.complaint_carry_out(complaint=c, user=dept_user, note="已换货")
    with pytest.raises(RuleViolation):
        services.complaint_followup(complaint=c, user=clerk, satisfaction="dissatisfied")
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SH), tick=False):
        services.complaint_followup(complaint=c, user=clerk, satisfaction="dissatisfied", outcome="reopen")
    c.refresh_from_db()
    assert c.status == ComplaintStatus.AWAITING_FEEDBACK and c.reopen_count == 1
    assert c.feedback_by == datetime(2026, 12, 3, 9, 0, tzinfo=SH)


def test_r_cmp_3_dissatisfied_escalates_to_supervisor(receive, clerk, department, dept_user, supervisor):
    c = _to_approval(receive, clerk, department, dept_user)
    c = services.complaint_approve(complaint=c, user=supervisor)
    c = services.complaint_notify_customer(complaint=c, user=clerk, reply="方案")
    c = services.complaint_carry_out(complaint=c, user=clerk, note="已换货")
    services.complaint_followup(complaint=c, user=clerk, satisfaction="dissatisfied", outcome="escalate", note="仍不满意")
    c.refresh_from_db()
    assert c.status == ComplaintStatus.AWAITING_APPROVAL and c.escalation_level == 1
    assert Notification.objects.filter(recipient=supervisor, title__contains=c.number).exists()
    assert FollowUp.objects.get(complaint=c).satisfaction == "dissatisfied"


def test_r_cmp_3_reopen_closed_unrouted_goes_back_to_routing(receive, clerk):
    c = receive()
    c = services.complaint_route(complaint=c, user=clerk, valid=False, reply="不属实")
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SH), tick=False):
        c = services.complaint_reopen(complaint=c, user=clerk, note="顾客补充了小票")
    assert c.status == ComplaintStatus.AWAITING_ROUTING and c.route_by == datetime(2026, 12, 2, 9, 0, tzinfo=SH)
    with pytest.raises(Conflict):
        services.complaint_reopen(complaint=c, user=clerk, note="again")


def test_r_cmp_5_supplier_contact_logged_on_ticket(receive, clerk):
    c = receive(product_safety=True)
    contact = services.supplier_contact_log(complaint=c, user=clerk, supplier="某电器公司", summary="取回电热毯送检",
                                            goods_taken_back=True)
    assert contact.recorded_by == clerk and c.events.filter(type=ComplaintEventType.SUPPLIER_CONTACTED).exists()


# --- escalation (R-CMP-2)

def _run(now):
    return services.complaint_escalate_overdue(now=now)


def test_r_cmp_2_not_routed_in_24h_escalates_to_supervisor_then_gm_idempotent(receive, supervisor, ops):
    with time_machine.travel(datetime(2026, 11, 23, 23, 30, tzinfo=SH), tick=False):  # 15:30 UTC
        c = receive()
    # 1 minute before the deadline (across local midnight and the UTC date change): nothing.
    assert _run(datetime(2026, 11, 24, 23, 29, tzinfo=SH)) == 0
    assert _run(datetime(2026, 11, 24, 23, 30, tzinfo=SH)) == 1
    c.refresh_from_db()
    assert c.escalation_level == 1
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    # running again changes nothing
    assert _run(datetime(2026, 11, 24, 23, 35, tzinfo=SH)) == 0
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    # another 24 hours: the operations manager
    assert _run(datetime(2026, 11, 25, 23, 30, tzinfo=SH)) == 1
    assert _run(datetime(2026, 11, 25, 23, 30, tzinfo=SH)) == 0
    c.refresh_from_db()
    assert c.escalation_level == 2
    assert Notification.objects.filter(recipient=ops).count() == 1
    assert c.events.filter(type=ComplaintEventType.ESCALATED).count() == 2


def test_r_cmp_2_feedback_overdue_escalates(receive, clerk, department, supervisor):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = _to_feedback(receive, clerk, department)
    assert _run(datetime(2026, 11, 25, 9, 59, tzinfo=SH)) == 0
    assert _run(datetime(2026, 11, 25, 10, 0, tzinfo=SH)) == 1
    c.refresh_from_db()
    assert c.escalation_level == 1


def test_r_cmp_2_late_job_jumps_to_level_2_and_notifies_both(receive, supervisor, ops):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive()
    assert _run(datetime(2026, 11, 26, 10, 0, tzinfo=SH)) == 1
    c.refresh_from_db()
    assert c.escalation_level == 2
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    assert Notification.objects.filter(recipient=ops).count() == 1


def test_r_cmp_2_routed_ticket_is_not_escalated(receive, clerk, department):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive()
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        services.complaint_route(complaint=c, user=clerk, valid=True, department=department)
    assert _run(datetime(2026, 11, 24, 12, 0, tzinfo=SH)) == 0


def test_escalate_overdue_command_prints_count(receive, capsys):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        receive()
        receive()
    call_command("escalate_overdue", "--now", "2026-11-24T10:00:00")
    assert capsys.readouterr().out.strip() == "escalated=2"
    call_command("escalate_overdue", "--now", "2026-11-24T10:00:00+08:00")
    assert capsys.readouterr().out.strip() == "escalated=0"
    assert set(Complaint.objects.values_list("escalation_level", flat=True)) == {1}


def test_escalate_task_runs_service(receive):
    from complaints.tasks import complaint_escalate_overdue

    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        receive()
    with time_machine.travel(datetime(2026, 11, 24, 10, 5, tzinfo=SH), tick=False):
        assert complaint_escalate_overdue.delay().get() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_cmp_1_numbering_under_concurrency_has_no_gaps_or_duplicates(clerk):
    import threading

    from django.db import connection

    numbers, errors = [], []

    def worker():
        try:
            for _ in range(5):
                c = services.complaint_receive(user=clerk, channel="phone", customer_name="李", phone="139", type="other",
                                               cause="并发")
                numbers.append(c.number)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, 31))
    assert len(set(numbers)) == 30


def test_r_cmp_1_number_uses_store_local_day_across_the_utc_date_change(receive):
    # 07:30 in Shanghai on 24 Nov is 23:30 UTC on 23 Nov: the ticket belongs to the store's 24 Nov.
    with time_machine.travel(datetime(2026, 11, 24, 7, 30, tzinfo=SH), tick=False):
        c = receive()
    assert c.number == "TS-20261124-0001"
    assert c.route_by.astimezone(UTC) == datetime(2026, 11, 24, 23, 30, tzinfo=UTC)


def test_r_cmp_1_record_completed_after_call_and_r_cmp_4_flag_alerts_supervisor(receive, clerk, supervisor):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive()
    with time_machine.travel(datetime(2026, 11, 23, 11, 0, tzinfo=SH), tick=False):
        c = services.complaint_update_record(complaint=c, user=clerk, product_safety=True, temperament="analytical",
                                             request="退货并检测")
    assert c.route_by == datetime(2026, 11, 24, 10, 0, tzinfo=SH)  # the clock does not restart
    assert Notification.objects.filter(recipient=supervisor, key=f"cmp:{c.pk}:serious").count() == 1
    assert c.events.filter(type=ComplaintEventType.EDITED).get().parameters["fields"] == [
        "product_safety", "request", "temperament"]
    with pytest.raises(RuleViolation):
        services.complaint_update_record(complaint=c, user=clerk, cause=" ")
    with pytest.raises(RuleViolation):
        services.complaint_update_record(complaint=c, user=clerk, status="closed")


def test_r_cmp_1_dept_user_cannot_edit_record(receive, dept_user):
    with pytest.raises(NotAllowed):
        services.complaint_update_record(complaint=receive(), user=dept_user, cause="改")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_cmp_2_two_escalation_runs_at_once_escalate_and_notify_once(clerk, supervisor):
    import threading

    from django.db import connection

    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        for _ in range(20):
            services.complaint_receive(user=clerk, channel="phone", customer_name="李", phone="139", type="other", cause="x")
    now = datetime(2026, 11, 24, 11, 0, tzinfo=SH)
    counts, errors = [], []

    def run():
        try:
            counts.append(services.complaint_escalate_overdue(now=now, chunk=5))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sum(counts) == 20
    assert Notification.objects.filter(recipient=supervisor).count() == 20


def test_r_cmp_3_each_party_is_told_its_next_task(receive, clerk, department, dept_user, supervisor, ops):
    c = _to_feedback(receive, clerk, department)
    assert Notification.objects.filter(recipient=dept_user, title__contains=c.number).count() == 1
    c = services.complaint_feedback(complaint=c, user=dept_user, investigation="a", result="b", proposed_handling="c")
    assert Notification.objects.filter(recipient=supervisor, title__contains="approve").count() == 1
    assert not Notification.objects.filter(recipient=ops).exists()  # not serious: the desk supervisor approves
    c = services.complaint_approve(complaint=c, user=supervisor)
    c = services.complaint_notify_customer(complaint=c, user=clerk, reply="方案")
    services.complaint_carry_out(complaint=c, user=dept_user, note="已换货")
    assert Notification.objects.filter(recipient=clerk, title__startswith="Follow-up call due").count() == 1


def test_r_cmp_2_escalation_also_emails_the_supervisor(receive, supervisor, django_capture_on_commit_callbacks):
    from django.core import mail

    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive()
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(datetime(2026, 11, 24, 10, 0, tzinfo=SH)) == 1
    assert [m.to for m in mail.outbox] == [[supervisor.email]] and c.number in mail.outbox[0].subject


def test_r_cmp_2_escalation_recipients_follow_the_permission_not_the_group(receive, user_in_role, supervisor, ops):
    """Level 1 → whoever holds complaints.supervise_complaints (the desk supervisor's), level 2 → whoever
    holds complaints.approve_serious (the GM's); a clerk given the level-1 permission directly is told too."""
    from django.contrib.auth.models import Permission

    deputy = user_in_role("clerk")
    deputy.user_permissions.add(Permission.objects.get(codename="supervise_complaints"))
    user_in_role("admin")  # holds everything, but is nobody's desk duty: not told
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        receive()
    assert _run(datetime(2026, 11, 24, 10, 0, tzinfo=SH)) == 1
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == sorted(
        [supervisor.username, deputy.username])
    assert _run(datetime(2026, 11, 25, 10, 0, tzinfo=SH)) == 1
    assert Notification.objects.filter(recipient=ops).count() == 1
    assert Notification.objects.count() == 3


def test_r_cmp_4_gm_level_approval_is_the_approve_serious_permission(receive, clerk, department, dept_user, supervisor):
    from django.contrib.auth.models import Permission

    c = receive(serious=True)
    c = services.complaint_route(complaint=c, user=supervisor, valid=True, department=department)
    c = services.complaint_feedback(complaint=c, user=dept_user, investigation="查", result="属实", proposed_handling="退货")
    with pytest.raises(NotAllowed) as exc:
        services.complaint_approve(complaint=c, user=supervisor)
    assert exc.value.code == "R-CMP-4"
    supervisor.user_permissions.add(Permission.objects.get(codename="approve_serious"))
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)  # fresh permission cache
    assert services.complaint_approve(complaint=c, user=supervisor).status == "awaiting_notice"


def test_r_cmp_6_never_use_phrase_refused_by_the_service_unless_confirmed(receive, clerk):
    c = receive()
    with pytest.raises(RuleViolation) as exc:
        services.complaint_route(complaint=c, user=clerk, valid=False, reply="你搞错了，找厂家去")
    assert exc.value.code == "R-CMP-6" and exc.value.fields == {"reply": ["你搞错了", "找厂家去"]}
    c.refresh_from_db()
    assert c.status == ComplaintStatus.AWAITING_ROUTING
    c = services.complaint_route(complaint=c, user=clerk, valid=False, reply="你搞错了", confirm_flagged=True)
    assert c.status == ComplaintStatus.CLOSED
    assert c.events.last().parameters["flagged"] == ["你搞错了"]


def test_ticket_steps_each_have_a_service_and_a_permission(receive, clerk, supervisor):
    from complaints import rules

    assert set(services._STEPS) == set(rules.TICKET_STEP_PERMISSIONS)
    c = receive()
    with pytest.raises(NotAllowed):
        services.complaint_step(complaint=c, user=clerk, step="approve", data={"instruction": ""})
    with pytest.raises(NotAllowed):
        services.complaint_step(complaint=c, user=clerk, step="delete_everything", data={})
    routed = services.complaint_step(complaint=c, user=clerk, step="route",
                                     data={"valid": False, "department": None, "opinion": "", "reply": "已向顾客说明"})
    assert routed.status == ComplaintStatus.CLOSED


def test_ticket_steps_offered_follow_status_and_permissions(receive, clerk, supervisor, dept_user, department, ops):
    from complaints import selectors

    c = receive()
    assert selectors.ticket_steps_for(complaint=c, user=clerk) == ["route", "record", "supplier"]
    assert selectors.ticket_steps_for(complaint=c, user=dept_user) == []
    c = services.complaint_route(complaint=c, user=clerk, valid=True, department=department)
    assert selectors.ticket_steps_for(complaint=c, user=dept_user) == ["feedback"]
    c = services.complaint_feedback(complaint=c, user=dept_user, investigation="查", result="属实", proposed_handling="退")
    assert "approve" in selectors.ticket_steps_for(complaint=c, user=ops)
    assert "approve" not in selectors.ticket_steps_for(complaint=c, user=clerk)


def test_r_cmp_2_escalation_run_sends_one_digest_per_recipient(receive, supervisor, django_capture_on_commit_callbacks):
    from django.core import mail

    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        tickets = [receive() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(datetime(2026, 11, 24, 10, 0, tzinfo=SH)) == 3
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert mail.outbox[0].subject.endswith("not routed (+2)") and all(t.number in mail.outbox[0].body for t in tickets)
    assert Notification.objects.filter(recipient=supervisor).count() == 3
