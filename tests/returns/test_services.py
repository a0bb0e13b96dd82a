"""Services: the receipt lock (no line returned beyond its quantity, also under concurrency), events,
who/when on every step, rejection."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from returns import services
from returns.choices import ReturnStatus
from returns.models import ReturnLine, ReturnRequest
from servicedesk.errors import Conflict, NotAllowed, RuleViolation


def create(receipt, user, lines=({"line_no": 1, "quantity": 1},), reason="change_of_mind", **kw):
    return services.return_create(side=receipt.side, number=receipt.number, lines=list(lines), reason=reason,
                                  user=user, condition={"tags_intact": True, "unused": True}, **kw)


@pytest.mark.django_db
def test_return_create_stores_decision_lines_and_event(make_receipt, clerk):
    receipt = make_receipt(days_ago=3, lines=[("clothing", "150.00", 2), ("clothing_summer", "80.00", 1)])
    rr = create(receipt, clerk, lines=[{"line_no": 1, "quantity": 2}, {"line_no": 2, "quantity": 1}])
    assert rr.status == ReturnStatus.AWAITING_COUNTER_CHECK
    assert rr.refund_amount == Decimal("380.00") and rr.approval_level == "ops_manager"
    assert rr.rules == ["R-RET-5", "R-RET-8", "R-RET-11"]
    assert rr.payment_method == "wechat" and rr.policy.approval_threshold == Decimal("300.00")
    assert sorted(ReturnLine.objects.filter(return_request=rr).values_list("quantity", flat=True)) == [1, 2]
    assert "R-RET-5" in rr.explanation and rr.events.get().type == "created"


@pytest.mark.django_db
def test_each_step_records_who_and_when(make_receipt, chain_users):
    receipt = make_receipt()
    rr = create(receipt, chain_users["clerk"])
    for step, role in (("counter_check", "counter_staff"), ("approve", "dept_supervisor"),
                       ("loss_prevention", "loss_prevention"), ("refund", "cashier")):
        rr = services.return_sign(return_request=rr, step=step, user=chain_users[role])
    rr.refresh_from_db()
    assert rr.status == ReturnStatus.REFUNDED
    assert (rr.counter_checked_by, rr.approved_by, rr.loss_prevention_by, rr.refunded_by) == (
        chain_users["counter_staff"], chain_users["dept_supervisor"], chain_users["loss_prevention"],
        chain_users["cashier"])
    assert rr.counter_checked_at <= rr.approved_at <= rr.loss_prevention_at <= rr.refunded_at
    assert [label for label, user, at in rr.signatures() if user and at] and len(rr.signatures()) == 5


@pytest.mark.django_db
def test_failed_sign_changes_nothing(make_receipt, chain_users):
    rr = create(make_receipt(), chain_users["clerk"])
    with pytest.raises(Conflict):
        services.return_sign(return_request=rr, step="refund", user=chain_users["cashier"])
    with pytest.raises(NotAllowed):
        services.return_sign(return_request=rr, step="counter_check", user=chain_users["cashier"])
    rr.refresh_from_db()
    assert rr.status == ReturnStatus.AWAITING_COUNTER_CHECK and rr.events.count() == 1


@pytest.mark.django_db
def test_reject_needs_reason_and_frees_quantity(make_receipt, chain_users):
    receipt = make_receipt()
    rr = create(receipt, chain_users["clerk"])
    with pytest.raises(RuleViolation):
        services.return_reject(return_request=rr, user=chain_users["dept_supervisor"], reason=" ")
    with pytest.raises(NotAllowed):  # role review: counter staff sign or do not; they never reject
        services.return_reject(return_request=rr, user=chain_users["counter_staff"], reason="商品已洗涤")
    services.return_reject(return_request=rr, user=chain_users["dept_supervisor"], reason="商品已洗涤")
    rr.refresh_from_db()
    assert rr.status == ReturnStatus.REJECTED and rr.rejected_by == chain_users["dept_supervisor"]
    assert create(receipt, chain_users["clerk"]).status == ReturnStatus.AWAITING_COUNTER_CHECK
    with pytest.raises(Conflict):
        services.return_reject(return_request=rr, user=chain_users["dept_supervisor"], reason="again")


@pytest.mark.django_db
def test_policy_is_effective_dated(make_receipt, clerk, policy):
    from datetime import date

    from django.utils import timezone

    from tests.factories.returns import ReturnPolicyFactory

    ReturnPolicyFactory(effective_from=timezone.localdate(), approval_threshold=Decimal("500.00"))
    ReturnPolicyFactory(effective_from=date(2999, 1, 1), approval_threshold=Decimal("1.00"))
    rr = create(make_receipt(lines=[("clothing", "450.00", 1)]), clerk)
    assert rr.approval_level == "dept_supervisor" and rr.policy.effective_from == timezone.localdate()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_return_of_the_same_line(make_receipt, user_in_role):
    """Two counters return the last piece of the same line at the same moment: exactly one slip wins."""
    receipt = make_receipt(lines=[("clothing", "200.00", 1)])
    clerks = [user_in_role("clerk"), user_in_role("clerk")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(user):
        try:
            barrier.wait()
            create(receipt, user)
            outcomes.append("ok")
        except RuleViolation as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "quantity_exceeds_receipt"]
    assert ReturnRequest.objects.filter(receipt=receipt).count() == 1


@pytest.mark.django_db
def test_demo_loads_slips_in_every_state_and_is_idempotent(policy):
    from io import StringIO

    from returns import demo
    from servicedesk import demo as desk_demo

    desk_demo.load(stdout=StringIO())
    demo.load(stdout=StringIO())
    demo.load(stdout=StringIO())
    statuses = set(ReturnRequest.objects.values_list("status", flat=True))
    assert statuses == {"refunded", "awaiting_refund", "awaiting_loss_prevention", "awaiting_approval",
                        "awaiting_counter_check", "rejected"}
    assert ReturnRequest.objects.count() == 6


@pytest.mark.django_db
def test_r_ret_11_approvers_of_the_right_level_are_notified_once(make_receipt, chain_users,
                                                                 django_capture_on_commit_callbacks):
    from servicedesk.models import Notification

    small = create(make_receipt(lines=[("clothing", "300.00", 1)]), chain_users["clerk"])
    big = create(make_receipt(lines=[("clothing", "300.01", 1)]), chain_users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        services.return_sign(return_request=small, step="counter_check", user=chain_users["counter_staff"])
        services.return_sign(return_request=big, step="counter_check", user=chain_users["counter_staff"])
    small_to = set(Notification.objects.filter(key=f"return:{small.pk}:approve").values_list("recipient__username",
                                                                                            flat=True))
    big_to = set(Notification.objects.filter(key=f"return:{big.pk}:approve").values_list("recipient__username",
                                                                                        flat=True))
    assert small_to == {chain_users["dept_supervisor"].username, chain_users["ops_manager"].username}
    assert big_to == {chain_users["ops_manager"].username}
    assert services.return_approvers_notify(return_request=ReturnRequest.objects.get(pk=small.pk)) == 0


@pytest.mark.django_db
def test_slip_explanation_reads_in_the_readers_language(make_receipt, clerk):
    """Issue 15: the slip keeps its findings as data (rule, message, parameters) and shows 说明 in the language
    of whoever reads it, whatever the language it was filled in; a slip from before keeps its stored words."""
    from django.utils import translation

    from returns import explain

    receipt = make_receipt(days_ago=3, lines=[("clothing", "150.00", 1)])
    with translation.override("en"):
        rr = create(receipt, clerk)
    assert "Change of mind on day 3" in rr.explanation  # the words as filled in, in English
    first = rr.findings[0]
    assert (first["line"], first["rule"], first["key"], first["params"]["day"]) == (1, "R-RET-5", "window_ok", "3")
    rr.refresh_from_db()
    with translation.override("zh-hans"):
        zh = explain.slip_explanation(rr)
    with translation.override("en"):
        en = explain.slip_explanation(rr)
    assert zh[0].startswith("#1 R-RET-5: 无理由退货，第 3 天") and en[0].startswith("#1 R-RET-5: Change of mind on day 3")
    assert len(zh) == len(en) == len(rr.explanation.splitlines())
    # a slip written before the findings were kept shows the text stored then
    ReturnRequest.objects.filter(pk=rr.pk).update(findings=[])
    rr.refresh_from_db()
    with translation.override("zh-hans"):
        assert explain.slip_explanation(rr) == rr.explanation.splitlines()
