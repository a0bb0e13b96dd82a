"""Pure rules of the complaints desk (no database)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints import rules

SH = ZoneInfo("Asia/Shanghai")
POLICY = rules.ClockPolicy(routing_hours=24, escalation_hours=24)


def test_r_cmp_2_route_by_is_intake_plus_24_wall_clock_hours_across_local_midnight():
    received = datetime(2026, 11, 23, 22, 30, tzinfo=SH)
    assert rules.route_deadline(received_at=received, policy=POLICY) == datetime(2026, 11, 24, 22, 30, tzinfo=SH)


def test_r_cmp_2_route_by_across_the_utc_date_change():
    # 07:30 Shanghai is 23:30 UTC the day before: the deadline is still exactly 24 h later.
    received = datetime(2026, 11, 24, 7, 30, tzinfo=SH)
    due = rules.route_deadline(received_at=received, policy=POLICY)
    assert due.astimezone(UTC) == datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert due - received == timedelta(hours=24)


def test_r_cmp_2_feedback_by_uses_department_hours():
    routed = datetime(2026, 11, 23, 17, 0, tzinfo=SH)
    assert rules.feedback_deadline(routed_at=routed, feedback_hours=48) == datetime(2026, 11, 25, 17, 0, tzinfo=SH)
    assert rules.feedback_deadline(routed_at=routed, feedback_hours=12) == datetime(2026, 11, 24, 5, 0, tzinfo=SH)


@pytest.mark.parametrize(
    ("hours_after_due", "level"),
    [(-0.01, 0), (0, 1), (23.99, 1), (24, 2), (100, 2)],
)
def test_r_cmp_2_escalation_level_from_the_deadline(hours_after_due, level):
    due = datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    now = due + timedelta(hours=hours_after_due)
    assert rules.escalation_level_due(due_at=due, now=now, policy=POLICY) == level


def test_r_cmp_2_no_clock_no_escalation():
    assert rules.escalation_level_due(due_at=None, now=datetime(2026, 1, 1, tzinfo=UTC), policy=POLICY) == 0


def test_r_cmp_3_happy_path_through_the_transitions_table():
    status = rules.AWAITING_ROUTING
    for action in ("route_valid", "feedback", "approve", "notify_customer", "carry_out", "followup_close"):
        status = rules.next_status(status=status, action=action)
    assert status == rules.CLOSED


def test_r_cmp_3_not_valid_closes_at_once():
    assert rules.next_status(status=rules.AWAITING_ROUTING, action="route_invalid") == rules.CLOSED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (rules.AWAITING_ROUTING, "approve"),
        (rules.AWAITING_FEEDBACK, "route_valid"),
        (rules.AWAITING_APPROVAL, "notify_customer"),
        (rules.AWAITING_NOTICE, "carry_out"),
        (rules.AWAITING_EXECUTION, "followup_close"),
        (rules.CLOSED, "feedback"),
    ],
)
def test_r_cmp_3_out_of_order_steps_are_illegal(status, action):
    with pytest.raises(rules.IllegalTransition):
        rules.next_status(status=status, action=action)


def test_r_cmp_3_dissatisfied_reopens_or_escalates():
    assert rules.next_status(status=rules.AWAITING_FOLLOWUP, action="followup_reopen") == rules.AWAITING_FEEDBACK
    assert rules.next_status(status=rules.AWAITING_FOLLOWUP, action="followup_escalate") == rules.AWAITING_APPROVAL
    assert set(rules.allowed_actions(rules.CLOSED)) == {"reopen", "reopen_unrouted"}


def test_r_cmp_4_serious_consumer_association_product_safety_need_the_gm():
    for flags in ({"serious": True}, {"consumer_association": True}, {"product_safety": True}):
        args = {"serious": False, "consumer_association": False, "product_safety": False, **flags}
        assert rules.is_serious(**args)
        assert rules.approval_level(**args, escalation_level=0) == "ops_manager"
    plain = {"serious": False, "consumer_association": False, "product_safety": False}
    assert rules.approval_level(**plain, escalation_level=0) == "desk_supervisor"
    assert rules.approval_level(**plain, escalation_level=2) == "ops_manager"


def test_r_cmp_6_never_use_phrases_found_in_order():
    phrases = [("我保证", "promise", "我会尽力"), ("你必须", "commanding", "麻烦您"), ("大概", "vague", "")]
    hits = rules.forbidden_hits(draft="你必须带小票来，我保证给您退。", phrases=phrases)
    assert [h.text for h in hits] == ["你必须", "我保证"]
    assert rules.forbidden_hits(draft="麻烦您带上小票，我们马上为您办理。", phrases=phrases) == []


def test_remaining_formats_overdue_negative():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=SH)
    assert rules.format_remaining(rules.remaining(due_at=now + timedelta(hours=5, minutes=12), now=now)) == "5h 12m"
    assert rules.format_remaining(rules.remaining(due_at=now - timedelta(hours=3, minutes=4), now=now)) == "-3h 04m"
    assert rules.median([3, 1, 2]) == 2 and rules.median([1, 2, 3, 4]) == 2.5 and rules.median([]) is None
