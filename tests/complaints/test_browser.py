"""Browser test (Playwright + Debian's Chromium): intake → routing → feedback → approval → notice →
carried out → follow-up → closed, each step by the role that does it (R-CMP-1…3, R-CMP-6)."""

import pytest

from complaints.models import Complaint, ForbiddenPhrase, ReplyPhrase
from tests.factories.complaints import DepartmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_cmp_3_ticket_from_phone_intake_to_closed(page, live_server, login, logout, screenshot, user_in_role):  # noqa: F811
    user_in_role("clerk", username="clerk_wang")
    head = user_in_role("dept_supervisor", username="head_li")
    user_in_role("desk_supervisor", username="sup_zhao")
    dept = DepartmentFactory(code="clothing", name="服装部", feedback_hours=48)
    dept.staff.add(head)
    # transactional tests flush the seeded library: make sure the two phrases used below exist
    ReplyPhrase.objects.get_or_create(scene="emotion", text="给您带来了不好的购物体验，我代表商场向您诚恳道歉。")
    ForbiddenPhrase.objects.get_or_create(text="我保证", defaults={"kind": "promise", "instead": "我会尽力为您争取"})

    # a phone call: the four fields first, saved while talking
    login("clerk_wang")
    page.goto(f"{live_server.url}/complaints/complaint/intake/")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_customer_name", "王芳")
    page.check("#id_type_1")  # product quality
    page.fill("#id_cause", "羊毛大衣穿了一次就起球")
    page.click("input[name=save]")
    page.wait_for_selector(".messagelist .success")
    ticket = Complaint.objects.get()
    assert ticket.number in page.content()
    # routed to the clothing department
    page.select_option("#id_department", str(dept.pk))
    page.click("input[name=do_route]")
    page.wait_for_selector(".messagelist .success")
    logout()

    # the department head answers
    login("head_li")
    page.goto(f"{live_server.url}/complaints/complaint/{ticket.pk}/ticket/")
    page.fill("#id_investigation", "专柜核实为面料问题")
    page.fill("#id_result", "属实")
    page.fill("#id_proposed_handling", "全额退货并致歉")
    page.click("input[name=do_feedback]")
    page.wait_for_selector(".messagelist .success")
    logout()

    # the desk supervisor approves
    login("sup_zhao")
    page.goto(f"{live_server.url}/complaints/complaint/{ticket.pk}/ticket/")
    page.click("input[name=do_approve]")
    page.wait_for_selector(".messagelist .success")
    logout()

    # the clerk drafts the reply: a never-use phrase is flagged while typing, an approved phrase inserted
    login("clerk_wang")
    page.goto(f"{live_server.url}/complaints/complaint/{ticket.pk}/ticket/")
    page.fill("#id_reply", "我保证")
    page.locator("#id_reply").dispatch_event("input")
    assert "我保证" in page.locator(".cmp-flags").inner_text()
    page.fill("#id_reply", "")
    page.fill(".cmp-phrase-search", "道歉")
    page.locator("#id_reply").focus()
    page.locator(".cmp-phrase-list li:not([hidden]) .cmp-insert").first.click()
    assert "道歉" in page.input_value("#id_reply")
    page.click("input[name=do_notify]")
    page.wait_for_selector(".messagelist .success")
    page.fill("#id_note", "已办理退货")
    page.click("input[name=do_carry_out]")
    page.wait_for_selector(".messagelist .success")
    page.check("#id_satisfaction_0")  # satisfied
    page.click("input[name=do_followup]")
    page.wait_for_selector(".messagelist .success")
    screenshot("complaint_closed")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.satisfaction == "satisfied"
    assert list(ticket.events.values_list("type", flat=True)) == [
        "received", "routed", "feedback", "approved", "customer_notified", "carried_out", "followed_up"]
