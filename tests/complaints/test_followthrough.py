"""Issue 15 follow-through on the complaints desk: a ticket's notifications close when its work is done
(routed, answered, approved, closed), lists and the home tile sort by time left (overdue first)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from complaints import dashboard, services
from servicedesk import selectors
from servicedesk.models import Notification

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _open(user, complaint):
    return Notification.objects.filter(recipient=user, key__startswith=f"cmp:{complaint.pk}:", done_at__isnull=True)


def test_routing_closes_the_serious_alert_and_routing_escalations_then_feedback_closes_the_departments(
        receive, supervisor, ops, department, dept_user):
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive(serious=True)
    services.complaint_escalate_overdue(now=datetime(2026, 11, 25, 10, 0, tzinfo=SH))  # level 2: both told
    assert _open(supervisor, c).count() == 2  # R-CMP-4 alert + level-1 escalation
    assert _open(ops, c).count() == 1  # level-2 escalation
    assert selectors.notifications_unread(user=supervisor).count() == 2

    c = services.complaint_route(complaint=c, user=supervisor, valid=True, department=department)

    assert _open(supervisor, c).count() == 0 and _open(ops, c).count() == 0
    assert selectors.notifications_unread(user=supervisor).count() == 0  # the home count drops
    done = Notification.objects.get(recipient=ops, key__startswith=f"cmp:{c.pk}:esc:")
    assert done.done_at is not None and done.read_at is not None and "服装部" in done.done_reason
    # the department's own task arrives, linked to the ticket page, open until it answers
    task = _open(dept_user, c).get()
    assert task.url == reverse("admin:complaints_complaint_ticket", args=[c.pk])
    services.complaint_feedback(complaint=c, user=dept_user, investigation="核实", result="属实", proposed_handling="退货")
    task.refresh_from_db()
    assert task.done_at is not None
    # the approval request to the GM (a serious case) closes with the approval
    approval = _open(ops, c).get()
    assert approval.key.startswith(f"cmp:{c.pk}:approve:")
    services.complaint_approve(complaint=c, user=ops, instruction="同意")
    approval.refresh_from_db()
    assert approval.done_at is not None


def test_a_rejected_complaint_closes_all_its_notifications(receive, supervisor, clerk):
    c = receive(product_safety=True)
    assert _open(supervisor, c).count() == 1
    services.complaint_route(complaint=c, user=supervisor, valid=False, reply="经核实不属于质量问题，已向顾客解释")
    assert _open(supervisor, c).count() == 0


def test_the_follow_up_call_closes_the_clerks_reminder(receive, clerk, supervisor, department, dept_user):
    c = services.complaint_route(complaint=receive(), user=clerk, valid=True, department=department)
    c = services.complaint_feedback(complaint=c, user=dept_user, investigation="核实", result="属实",
                                    proposed_handling="退货")
    c = services.complaint_approve(complaint=c, user=supervisor)
    c = services.complaint_notify_customer(complaint=c, user=clerk, reply="您好，已为您办理退货")
    c = services.complaint_carry_out(complaint=c, user=clerk, note="已退货")
    assert _open(clerk, c).count() == 1  # the follow-up call is due
    services.complaint_followup(complaint=c, user=clerk, satisfaction="satisfied")
    assert _open(clerk, c).count() == 0
    assert Notification.objects.filter(key__startswith=f"cmp:{c.pk}:", done_at__isnull=True).count() == 0


def _three_tickets(receive, clerk):
    """An overdue ticket (received 2 days ago), a fresh one with its clock running, and one with no clock."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=3), tick=False):
        closed = receive(customer_name="李四")
        services.complaint_route(complaint=closed, user=clerk, valid=False, reply="已向顾客解释")
    with time_machine.travel(now - timedelta(days=2), tick=False):
        overdue = receive(customer_name="张三")
    fresh = receive(customer_name="王五")
    return overdue, fresh, closed


def test_the_overdue_ticket_is_first_in_the_changelist(client, clerk, receive, django_assert_max_num_queries):
    overdue, fresh, closed = _three_tickets(receive, clerk)
    client.force_login(clerk)
    with django_assert_max_num_queries(25):
        html = client.get(reverse("admin:complaints_complaint_changelist")).content.decode()
    first, second, third = (html.index(f">{c.number}<") for c in (overdue, fresh, closed))
    assert first < second < third  # default received_at order would put the overdue one below the fresh one
    assert "cmp-overdue" in html


def test_the_home_tile_lists_the_least_time_left_first(rf, clerk, receive):
    overdue, fresh, _closed = _three_tickets(receive, clerk)
    request = rf.get("/")
    request.user = clerk
    urgent = [t for t in dashboard.tiles(request) if t.title == "Complaint clocks: least time left"][0]
    assert [line.url for line in urgent.lines] == [reverse("admin:complaints_complaint_ticket", args=[c.pk])
                                                   for c in (overdue, fresh)]
    assert urgent.lines[0].alert and urgent.lines[0].value.startswith("overdue 24h")
    assert not urgent.lines[1].alert
