"""Issue 15 follow-through on returns: the approval request links to the slip and closes when the slip is
approved or rejected; a department supervisor sees, instead of the sign button, why a slip over the
R-RET-11 limit is not theirs and who signs; the queue puts the longest-waiting slip first."""

import pytest
from django.urls import reverse

from returns import services
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


def slip(receipt, user):
    return services.return_create(side=receipt.side, number=receipt.number, lines=[{"line_no": 1, "quantity": 1}],
                                  reason="change_of_mind", user=user, condition={"tags_intact": True, "unused": True})


def checked(make_receipt, chain_users, price, django_capture_on_commit_callbacks):
    rr = slip(make_receipt(lines=[("clothing", price, 1)]), chain_users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        return services.return_sign(return_request=rr, step="counter_check", user=chain_users["counter_staff"])


def test_the_approval_request_links_to_the_slip_and_closes_when_approved(make_receipt, chain_users,
                                                                         django_capture_on_commit_callbacks):
    rr = checked(make_receipt, chain_users, "120.00", django_capture_on_commit_callbacks)
    notes = Notification.objects.filter(key=f"return:{rr.pk}:approve")
    assert {n.recipient.username for n in notes} == {chain_users["dept_supervisor"].username,
                                                     chain_users["ops_manager"].username}
    assert {n.url for n in notes} == {reverse("admin:returns_returnrequest_change", args=[rr.pk])}
    assert notes[0].title == f"Return slip {rr.number} to approve (120.00 yuan)"
    services.return_sign(return_request=rr, step="approve", user=chain_users["dept_supervisor"])
    assert not notes.filter(done_at__isnull=True).exists()  # both approvers' requests are done, read
    assert not notes.filter(read_at__isnull=True).exists()


def test_a_rejected_slip_closes_its_approval_requests(make_receipt, chain_users, django_capture_on_commit_callbacks):
    rr = checked(make_receipt, chain_users, "120.00", django_capture_on_commit_callbacks)
    services.return_reject(return_request=rr, user=chain_users["ops_manager"], reason="吊牌已剪")
    assert Notification.objects.filter(key=f"return:{rr.pk}:approve", done_at__isnull=True).count() == 0


def test_the_dept_supervisor_sees_who_must_sign_a_slip_over_the_limit(client, make_receipt, chain_users,
                                                                       django_capture_on_commit_callbacks):
    rr = checked(make_receipt, chain_users, "450.00", django_capture_on_commit_callbacks)  # R-RET-11: > 300.00
    client.force_login(chain_users["dept_supervisor"])
    html = client.get(reverse("admin:returns_returnrequest_change", args=[rr.pk])).content.decode()
    assert 'id="return-sign-blocked"' in html
    assert "退款 ¥450.00 超出您的审批限额 ¥300.00：须由营运经理（或总经理、副总经理）审批此单 (R-RET-11)。" in html
    assert 'name="sign"' not in html and 'name="reason"' not in html  # no sign button, no reject that would 403
    # the operations manager signs it: no reason, the button
    client.force_login(chain_users["ops_manager"])
    html = client.get(reverse("admin:returns_returnrequest_change", args=[rr.pk])).content.decode()
    assert 'id="return-sign-blocked"' not in html and 'name="sign"' in html


def test_within_the_limit_the_dept_supervisor_gets_the_button_and_the_creator_a_reason(
        client, make_receipt, chain_users, django_capture_on_commit_callbacks):
    rr = checked(make_receipt, chain_users, "300.00", django_capture_on_commit_callbacks)
    client.force_login(chain_users["dept_supervisor"])
    html = client.get(reverse("admin:returns_returnrequest_change", args=[rr.pk])).content.decode()
    assert 'name="sign"' in html and 'id="return-sign-blocked"' not in html
    assert services.approve_blocked_reason(return_request=rr, user=chain_users["clerk"]) == ""  # not an approver
    own = slip(make_receipt(lines=[("clothing", "100.00", 1)]), chain_users["dept_supervisor"])
    services.return_sign(return_request=own, step="counter_check", user=chain_users["counter_staff"])
    own.refresh_from_db()
    assert "R-RET-11" in services.approve_blocked_reason(return_request=own, user=chain_users["dept_supervisor"])


def test_the_approval_queue_puts_the_longest_waiting_slip_first(client, make_receipt, chain_users,
                                                                django_capture_on_commit_callbacks):
    first = checked(make_receipt, chain_users, "100.00", django_capture_on_commit_callbacks)
    second = checked(make_receipt, chain_users, "110.00", django_capture_on_commit_callbacks)
    client.force_login(chain_users["dept_supervisor"])
    html = client.get(reverse("admin:returns_returnrequest_queue")).content.decode()
    assert html.index(first.number) < html.index(second.number)
