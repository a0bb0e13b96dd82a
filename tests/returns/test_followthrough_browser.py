"""Issue 15 in the browser: the department supervisor opens the approval request from the notification
list, lands on the slip, and for a slip over the R-RET-11 limit reads who must sign instead."""

import pytest
from django.utils import translation

from returns import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dept_supervisor_opens_the_notification_and_reads_the_over_limit_reason(page, live_server, login, screenshot,
                                                                               user_in_role, make_receipt):
    from servicedesk.models import Notification

    clerk, counter = user_in_role("clerk"), user_in_role("counter_staff")
    user_in_role("dept_supervisor", username="sup_zhao")
    user_in_role("ops_manager")
    rr = services.return_create(side="dept", number=make_receipt(lines=[("clothing", "450.00", 1)]).number,
                                lines=[{"line_no": 1, "quantity": 1}], reason="change_of_mind", user=clerk,
                                condition={"tags_intact": True, "unused": True})
    services.return_sign(return_request=rr, step="counter_check", user=counter)
    small = services.return_create(side="dept", number=make_receipt(lines=[("clothing", "120.00", 1)]).number,
                                   lines=[{"line_no": 1, "quantity": 1}], reason="change_of_mind", user=clerk,
                                   condition={"tags_intact": True, "unused": True})
    with translation.override("zh-hans"):  # the approvers are told (an eager task here) in the store's language
        services.return_sign(return_request=small, step="counter_check", user=counter)

    login("sup_zhao")
    page.goto(f"{live_server.url}/servicedesk/notification/")
    screenshot("notifications_list_dept_supervisor")
    assert f"退货单 {small.number} 待审批（120.00 元）" in page.inner_text("#result_list")
    page.click(f"text={small.number}")
    page.wait_for_url(f"{live_server.url}/returns/returnrequest/{small.pk}/change/")
    assert page.locator("#return-sign button[name=sign]").count() == 1
    assert Notification.objects.get(key=f"return:{small.pk}:approve", recipient__username="sup_zhao").read_at

    page.goto(f"{live_server.url}/returns/returnrequest/{rr.pk}/change/")
    text = page.inner_text("#return-sign-blocked")
    assert "超出您的审批限额 ¥300.00" in text and "营运经理" in text
    assert page.locator("#return-sign button[name=sign]").count() == 0
    screenshot("return_slip_over_limit_dept_supervisor")
