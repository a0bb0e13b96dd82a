"""Complainants' phones are masked wherever they appear (R-VIP-7 in spirit): complaint pages, the record
and history views, the forms PDF, API answers and notification titles, for clerks, finance, managers and
departments; in full only with complaints.view_unmasked (the desk supervisor, admin), every view logged.
The desk still finds a ticket by the full number."""

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import ComplaintUnmaskedView
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db
FULL, MASKED = "13800138000", "138****8000"
MASKED_ROLES = ["clerk", "finance", "ops_manager", "dept_supervisor"]


def _routed(receive, clerk, department):
    return services.complaint_route(complaint=receive(), user=clerk, valid=True, department=department)


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_api_answers_mask_the_phone_for_other_roles_and_log_nothing(api_as, user_in_role, receive, clerk, department,
                                                                     role):
    c = _routed(receive, clerk, department)
    user = user_in_role(role)
    department.staff.add(user)  # so a department user can see the ticket at all
    client = api_as(user)
    detail = client.get(f"/api/v1/complaints/{c.number}/")
    assert detail.status_code == 200 and detail.json()["phone"] == MASKED
    listing = client.get("/api/v1/complaints/").json()["results"]
    assert [r["phone"] for r in listing] == [MASKED]
    assert FULL not in detail.content.decode() and FULL not in client.get("/api/v1/complaints/").content.decode()
    assert not ComplaintUnmaskedView.objects.exists()


def test_api_full_phone_for_the_desk_supervisor_each_view_logged(api_as, supervisor, receive):
    first, second = receive(), receive(phone="13912345678")
    client = api_as(supervisor)
    assert client.get(f"/api/v1/complaints/{first.number}/").json()["phone"] == FULL
    assert ComplaintUnmaskedView.objects.filter(user=supervisor, complaint=first, context="API retrieve").count() == 1
    phones = sorted(r["phone"] for r in client.get("/api/v1/complaints/").json()["results"])
    assert phones == [FULL, "13912345678"]
    assert ComplaintUnmaskedView.objects.filter(context="API list").count() == 2
    assert ComplaintUnmaskedView.objects.filter(complaint=second).count() == 1


def test_api_lookup_by_full_phone_still_finds_the_ticket(api_as, clerk, receive):
    c = receive()
    receive(phone="13912345678")
    numbers = [r["number"] for r in api_as(clerk).get("/api/v1/complaints/", {"phone": FULL}).json()["results"]]
    assert numbers == [c.number]


def test_api_patch_with_the_masked_phone_sent_back_keeps_the_number(api_as, clerk, receive):
    c = receive()
    resp = api_as(clerk).patch(f"/api/v1/complaints/{c.number}/", {"phone": MASKED, "request": "换货"}, format="json")
    assert resp.status_code == 200 and resp.json()["phone"] == MASKED
    c.refresh_from_db()
    assert c.phone == FULL and c.request == "换货"


def test_ticket_page_masks_for_the_clerk_shows_the_supervisor_and_logs(client, clerk, supervisor, receive):
    c = receive()
    url = reverse("admin:complaints_complaint_ticket", args=[c.pk])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert MASKED in page and FULL not in page  # the record step's phone field too
    assert not ComplaintUnmaskedView.objects.exists()
    client.force_login(supervisor)
    assert FULL in client.get(url).content.decode()
    assert list(ComplaintUnmaskedView.objects.values_list("user", "complaint", "context")) == [
        (supervisor.pk, c.pk, "ticket page")]


def test_record_step_with_the_masked_phone_unchanged_keeps_the_number(client, clerk, receive):
    c = receive()
    client.force_login(clerk)
    form = {"do_record": "1", "customer_name": "王芳", "phone": MASKED, "type": "quality", "cause": c.cause,
            "request": "换货", "temperament": ""}
    assert client.post(reverse("admin:complaints_complaint_ticket", args=[c.pk]), form).status_code == 302
    c.refresh_from_db()
    assert c.phone == FULL and c.request == "换货"


def test_record_and_history_views_show_the_phone_masked_even_to_the_supervisor(client, supervisor, clerk, receive):
    c = receive()
    services.complaint_update_record(complaint=c, user=clerk, phone="13912345678")
    client.force_login(supervisor)
    record = client.get(reverse("admin:complaints_complaint_change", args=[c.pk])).content.decode()
    assert "139****5678" in record and "13912345678" not in record
    history = client.get(reverse("admin:complaints_complaint_history", args=[c.pk])).content.decode()
    assert "139****5678" in history and MASKED in history
    assert "13912345678" not in history and FULL not in history


def test_changelist_search_by_full_phone_finds_the_ticket_without_showing_it(client, clerk, receive):
    c = receive()
    other = receive(phone="13912345678")
    client.force_login(clerk)
    page = client.get(reverse("admin:complaints_complaint_changelist"), {"q": FULL}).content.decode()
    assert c.number in page and other.number not in page
    # only the term the clerk typed: in the search box and the filter links that keep it
    assert FULL not in page.replace(f'value="{FULL}"', "").replace(f"q={FULL}", "")


def test_forms_pdf_prints_the_phone_as_the_user_may_see_it(client, clerk, supervisor, receive):
    from complaints import pdf

    c = receive()
    url = reverse("admin:complaints_complaint_pdf", args=[c.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    assert not ComplaintUnmaskedView.objects.exists()
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    assert ComplaintUnmaskedView.objects.get().context == "forms PDF"
    # the builder prints what it is given, masked when nothing is given
    assert pdf._record_form(c, c.masked_phone)[1]._cellvalues[1][3].text == MASKED
    assert pdf.complaint_forms_pdf(c) != pdf.complaint_forms_pdf(c, phone=FULL)


def test_notification_titles_mask_for_the_clerk_and_show_the_supervisor(receive, clerk, supervisor, department,
                                                                           dept_user, ops):
    c = receive(serious=True)  # R-CMP-4: the supervisor is alerted at once, with the number in full
    alert = Notification.objects.get(recipient=supervisor)
    assert FULL in alert.body
    assert ComplaintUnmaskedView.objects.filter(user=supervisor, context="notification: serious case").count() == 1
    c = services.complaint_route(complaint=c, user=supervisor, valid=True, department=department)
    c = services.complaint_feedback(complaint=c, user=dept_user, investigation="查", result="属实", proposed_handling="退货")
    c = services.complaint_approve(complaint=c, user=ops)
    c = services.complaint_notify_customer(complaint=c, user=clerk, reply="您好，为您办理退货。")
    services.complaint_carry_out(complaint=c, user=clerk, note="已退")
    due = Notification.objects.get(recipient=clerk, key__contains="followup-due")
    assert MASKED in due.title and FULL not in due.title and FULL not in due.body
