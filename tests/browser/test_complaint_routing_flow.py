"""A complaint recorded by the clerk and routed by the desk supervisor from the home's queue (R-CMP-1: intake
starts the routing clock; R-CMP-2: routed to a department). The whole ticket life by every role is
tests/complaints/test_browser.py; this flow adds the hand-over between the two desk roles, the intake page,
the complaint list and the ticket at 1366 and 1024 wide, and the masked phone for the clerk (R-VIP-7)."""

import pytest

from complaints.models import Complaint
from tests.factories.complaints import DepartmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_records_a_complaint_and_the_desk_supervisor_routes_it(page, live_server, login, logout, layout_check,
                                                                   user_in_role):
    user_in_role("clerk", username="clerk_cmp")
    user_in_role("desk_supervisor", username="sup_cmp")
    dept = DepartmentFactory(code="shoes", name="鞋帽部", feedback_hours=48)

    login("clerk_cmp")
    page.click(".desk-task[href$='/complaints/complaint/intake/']")  # one click from home
    page.fill("#id_phone", "13800138000")
    page.fill("#id_customer_name", "王芳")
    page.check("#id_type_1")
    page.fill("#id_cause", "皮鞋穿了三天鞋跟脱落")
    layout_check("complaint_intake_form", visible=("#id_cause", "input[name=save]"), phones_masked=False)
    page.click("input[name=save]")
    page.wait_for_selector(".messagelist .success")
    ticket = Complaint.objects.get()
    assert ticket.status == "awaiting_routing" and ticket.route_by is not None  # the routing clock runs (R-CMP-1)
    page.goto(f"{live_server.url}/complaints/complaint/")
    assert ticket.number in page.inner_text("#result_list")
    layout_check("complaint_list_clerk", visible=("#result_list", "#desk-scan-head"))  # 138****8000 for the clerk
    logout()

    # the desk supervisor's home shows the ticket waiting for routing; one click to the list, one to the ticket
    login("sup_cmp")
    tile = page.locator(".desk-tile a[href*='status=awaiting_routing']")
    assert tile.inner_text().strip() == "1"
    tile.click()
    page.locator("#result_list a", has_text=ticket.number).first.click()
    page.wait_for_selector("#id_department")
    page.select_option("#id_department", str(dept.pk))
    layout_check("complaint_ticket_supervisor", visible=("#id_department", "input[name=do_route]"), phones_masked=False)
    page.click("input[name=do_route]")
    page.wait_for_selector(".messagelist .success")
    ticket.refresh_from_db()
    assert ticket.status == "awaiting_feedback" and ticket.department == dept
    assert list(ticket.events.values_list("type", flat=True)) == ["received", "routed"]
    assert ticket.events.get(type="routed").user.username == "sup_cmp"
