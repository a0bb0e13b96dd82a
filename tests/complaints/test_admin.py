"""Counter pages of the complaints desk: intake, ticket steps, clock on lists, PDF, review, dashboard."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints import services
from complaints.models import Complaint

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _ticket_url(c):
    return reverse("admin:complaints_complaint_ticket", args=[c.pk])


def test_r_cmp_1_fast_intake_with_minimal_fields(client, clerk):
    c = _client(client, clerk)
    url = reverse("admin:complaints_complaint_intake")
    page = c.get(url)
    assert page.status_code == 200 and "cmp-phrase-list" in page.content.decode()
    resp = c.post(url, {"phone": "13900001111", "customer_name": "张先生", "type": "service", "cause": "收银员态度生硬",
                        "channel": "phone", "save": "1"})
    ticket = Complaint.objects.get()
    assert resp.status_code == 302 and resp["Location"] == _ticket_url(ticket)
    assert ticket.recorded_by == clerk and ticket.channel == "phone"


def test_intake_missing_cause_shows_error_and_saves_nothing(client, clerk):
    resp = _client(client, clerk).post(reverse("admin:complaints_complaint_intake"),
                                       {"phone": "139", "customer_name": "张", "type": "service", "channel": "phone"})
    assert resp.status_code == 200 and not Complaint.objects.exists()


def test_ticket_flow_on_counter_pages(client, clerk, supervisor, department, dept_user, receive):
    t = receive()
    url = _ticket_url(t)
    resp = _client(client, clerk).post(url, {"do_route": "1", "valid": "1", "department": department.pk, "opinion": "属实"})
    assert resp.status_code == 302
    client.force_login(dept_user)
    feedback = {"do_feedback": "1", "investigation": "查", "result": "实", "proposed_handling": "退"}
    assert client.post(url, feedback).status_code == 302
    client.force_login(clerk)
    assert client.post(url, {"do_approve": "1", "instruction": ""}).status_code == 403  # clerk cannot approve
    client.force_login(supervisor)
    assert client.post(url, {"do_approve": "1", "instruction": "同意"}).status_code == 302
    client.force_login(clerk)
    # R-CMP-6: a draft with a never-use phrase is flagged and not saved
    resp = client.post(url, {"do_notify": "1", "reply": "我保证明天给您退款"})
    assert resp.status_code == 200 and "我保证" in resp.content.decode()
    t.refresh_from_db()
    assert t.status == "awaiting_notice"
    assert client.post(url, {"do_notify": "1", "reply": "您好，处理方案是全额退货。"}).status_code == 302
    assert client.post(url, {"do_carry_out": "1", "note": "已退"}).status_code == 302
    assert client.post(url, {"do_followup": "1", "satisfaction": "satisfied", "note": "满意"}).status_code == 302
    t.refresh_from_db()
    assert t.status == "closed"
    page = client.get(url).content.decode()
    assert "Reopen" in page or "do_reopen" in page


def test_department_user_cannot_open_another_departments_ticket(client, clerk, department, other_department, dept_user,
                                                                 receive):
    t = services.complaint_route(complaint=receive(), user=clerk, valid=True, department=other_department)
    c = _client(client, dept_user)
    assert c.get(_ticket_url(t)).status_code == 404
    assert c.get(reverse("admin:complaints_complaint_change", args=[t.pk])).status_code == 404
    assert c.get(reverse("admin:complaints_complaint_pdf", args=[t.pk])).status_code == 404
    assert c.get(reverse("admin:complaints_complaint_history", args=[t.pk])).status_code == 404
    client.force_login(clerk)
    assert client.get(reverse("admin:complaints_complaint_history", args=[t.pk])).status_code == 200
    client.force_login(dept_user)
    listing = c.get(reverse("admin:complaints_complaint_changelist")).content.decode()
    assert t.number not in listing


def test_r_cmp_2_clock_on_list_is_red_when_overdue(client, clerk, receive):
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False):
        late = receive()
    fresh = receive()
    page = _client(client, clerk).get(reverse("admin:complaints_complaint_changelist")).content.decode()
    assert late.number in page and fresh.number in page and "cmp-overdue" in page
    overdue = client.get(reverse("admin:complaints_complaint_changelist") + "?clock=overdue").content.decode()
    assert late.number in overdue and fresh.number not in overdue


def test_r_cmp_4_consumer_association_filter(client, clerk, receive):
    ca = receive(consumer_association=True)
    plain = receive()
    page = _client(client, clerk).get(reverse("admin:complaints_complaint_changelist") + "?consumer_association__exact=1")
    assert ca.number in page.content.decode() and plain.number not in page.content.decode()


def test_r_cmp_6_temperament_advice_on_ticket(client, clerk, receive):
    t = receive(temperament="decisive")
    page = _client(client, clerk).get(_ticket_url(t)).content.decode()
    assert "让对方感到被尊重" in page


def test_handling_form_pdf(client, clerk, receive):
    t = receive()
    resp = _client(client, clerk).get(reverse("admin:complaints_complaint_pdf", args=[t.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf" and resp.content.startswith(b"%PDF")


def test_r_cmp_7_review_page_and_exports(client, clerk, supervisor, department, dept_user, ops, receive):
    t = receive()
    services.complaint_route(complaint=t, user=clerk, valid=True, department=department)
    receive(type="service")
    url = reverse("admin:complaints_complaint_review")
    assert _client(client, dept_user).get(url).status_code == 403  # a department sees its tickets, not the statistics
    for reader in (clerk, ops):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert "服装部" in page
    xlsx = client.get(reverse("admin:complaints_complaint_review_xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(reverse("admin:complaints_complaint_review_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_r_cmp_7_monthly_statistics(clerk, department, receive):
    from complaints.selectors import complaints_monthly_review

    with time_machine.travel(datetime(2026, 11, 3, 9, 0, tzinfo=SH), tick=False):
        a, b = receive(type="quality"), receive(type="service")
    with time_machine.travel(datetime(2026, 11, 3, 13, 0, tzinfo=SH), tick=False):  # 4 h to route
        services.complaint_route(complaint=a, user=clerk, valid=True, department=department)
    with time_machine.travel(datetime(2026, 11, 3, 19, 0, tzinfo=SH), tick=False):  # 10 h to route and close
        services.complaint_route(complaint=b, user=clerk, valid=False, reply="已解释")
    review = complaints_monthly_review(year=2026, month=11)
    assert review.total == 2 and review.closed == 1
    assert {bar.key: bar.count for bar in review.by_type} == {"service": 1, "quality": 1, "environment": 0, "other": 0}
    assert review.median_hours_to_route == 7.0 and review.median_hours_to_close == 10.0


def test_dashboard_tile_counts_overdue(rf, clerk, receive, dept_user, department):
    from complaints.dashboard import tiles

    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False):
        receive()
    request = rf.get("/")
    request.user = clerk
    lines = {line.label: line for line in tiles(request)[0].lines}
    assert lines["Awaiting routing"].value == 1 and lines["Overdue"].value == 1 and lines["Overdue"].alert
    request.user = dept_user
    lines = {line.label: line for line in tiles(request)[0].lines}
    assert lines["Awaiting my feedback"].value == 0 and "Awaiting routing" not in lines


def test_changelist_query_count_is_bounded(client, clerk, receive, django_assert_max_num_queries, department):
    for _ in range(30):
        services.complaint_route(complaint=receive(), user=clerk, valid=True, department=department)
    c = _client(client, clerk)
    with django_assert_max_num_queries(15):
        assert c.get(reverse("admin:complaints_complaint_changelist")).status_code == 200


def test_escalation_level_filter(client, clerk, receive):
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False):
        late = receive()
    fresh = receive()
    services.complaint_escalate_overdue()
    page = _client(client, clerk).get(reverse("admin:complaints_complaint_changelist") + "?escalation_level=2").content.decode()
    assert late.number in page and fresh.number not in page


def test_r_cmp_1_record_completed_on_ticket_page(client, clerk, receive):
    t = receive()
    resp = _client(client, clerk).post(_ticket_url(t), {
        "do_record": "1", "customer_name": "王芳", "phone": "13800138000", "type": "quality", "cause": t.cause,
        "request": "退货", "specialist_opinion": "", "consumer_association": "on", "temperament": "self_centred",
        "card_number": ""})
    assert resp.status_code == 302
    t.refresh_from_db()
    assert t.consumer_association and t.temperament == "self_centred" and t.supervisor_alerted_at


def test_dept_user_cannot_route_on_ticket_page(client, clerk, department, dept_user, receive):
    services.complaint_route(complaint=receive(), user=clerk, valid=True, department=department)
    ticket = Complaint.objects.get()
    c = _client(client, dept_user)
    assert c.get(_ticket_url(ticket)).status_code == 200
    assert c.post(_ticket_url(ticket), {"do_route": "1", "valid": "0", "reply": "x"}).status_code == 403


def test_forms_pdf_grows_boxes_for_long_text(receive):
    from complaints import pdf

    c = receive(cause="顾客反映商品质量问题。" * 200)
    short = pdf.complaint_forms_pdf(receive())
    body = pdf.complaint_forms_pdf(Complaint.objects.select_related("recorded_by").get(pk=c.pk))
    assert body.startswith(b"%PDF") and len(body) > len(short)


def test_r_cmp_7_week_lists_typical_cases_and_written_opinions(clerk, supervisor, receive):
    from complaints.selectors import complaints_week

    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):  # a Wednesday
        typical, opinion, ordinary = receive(), receive(channel="form", type="other"), receive()
        services.complaint_mark_typical(complaint=typical, user=supervisor, typical=True)
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SH), tick=False):  # next Monday
        receive(channel="form")
    start, end, cases = complaints_week(day=datetime(2026, 11, 29).date())
    assert (start.isoformat(), end.isoformat()) == ("2026-11-23", "2026-11-30")
    assert [c.number for c in cases] == [typical.number, opinion.number]
    with pytest.raises(services.NotAllowed):
        services.complaint_mark_typical(complaint=ordinary, user=clerk, typical=True)


def test_clock_column_uses_each_requests_own_now_nothing_kept_on_the_shared_admin(rf, clerk, receive):
    """Item 7: the ModelAdmin instance is shared by every request and thread; two overlapping list requests
    must each show the clock at their own time."""
    from django.contrib import admin as django_admin

    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False):
        c = receive()  # route by 2026-11-24 10:00
    model_admin = django_admin.site._registry[Complaint]
    before = dict(vars(model_admin))
    request = rf.get("/")
    request.user = clerk
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        early_clock = model_admin.get_list_display(request)[1]
    with time_machine.travel(datetime(2026, 11, 24, 11, 30, tzinfo=SH), tick=False):
        late_clock = model_admin.get_list_display(request)[1]
    assert "1h 00m" in early_clock(c) and "cmp-overdue" not in early_clock(c)  # still its own time
    assert "-1h 30m" in late_clock(c) and "cmp-overdue" in late_clock(c)
    assert dict(vars(model_admin)) == before  # no request state stored on the instance


def test_admin_package_registers_every_complaints_model_with_the_same_urls():
    from django.contrib import admin as django_admin

    from complaints import models

    for model in (models.Complaint, models.Department, models.ComplaintPolicy, models.ReplyPhrase,
                  models.ForbiddenPhrase, models.SupplierContact, models.ComplaintUnmaskedView):
        assert model in django_admin.site._registry
    assert reverse("admin:complaints_complaint_intake") == "/complaints/complaint/intake/"
    assert reverse("admin:complaints_complaint_review") == "/complaints/complaint/review/"
    assert reverse("admin:complaints_complaint_review_xlsx") == "/complaints/complaint/review/export.xlsx"
    assert reverse("admin:complaints_complaint_review_pdf") == "/complaints/complaint/review/export.pdf"
    assert reverse("admin:complaints_complaint_ticket", args=[7]) == "/complaints/complaint/7/ticket/"
    assert reverse("admin:complaints_complaint_pdf", args=[7]) == "/complaints/complaint/7/forms.pdf"


def test_r_cmp_6_never_use_phrase_on_the_route_form_is_shown_on_the_reply_field(client, clerk, receive):
    t = receive()
    resp = _client(client, clerk).post(_ticket_url(t), {"do_route": "1", "valid": "0", "reply": "与我们无关"})
    assert resp.status_code == 200
    form = next(step["form"] for step in resp.context["steps"] if step["name"] == "do_route")
    assert "R-CMP-6" in form.errors["reply"][0] and "与我们无关" in form.errors["reply"][0]
    t.refresh_from_db()
    assert t.status == "awaiting_routing"
    resp = client.post(_ticket_url(t), {"do_route": "1", "valid": "1"})
    form = next(step["form"] for step in resp.context["steps"] if step["name"] == "do_route")
    assert "R-CMP-2" in form.errors["department"][0]


def test_ticket_record_shows_statuses_and_departments_in_words(client, clerk, department, receive):
    """Issue 15: the record's event log names the statuses by label (待分派, not awaiting_routing) and a
    department by its name (服装部, not 服装部 (clothing))."""
    t = receive()
    c = _client(client, clerk)
    c.post(_ticket_url(t), {"do_route": "1", "valid": "1", "department": department.pk, "opinion": "属实"})
    html = c.get(reverse("admin:complaints_complaint_change", args=[t.pk])).content.decode()
    assert "awaiting_routing" not in html and "awaiting_feedback" not in html
    assert "待分派" in html and "待部门反馈" in html
    ticket = c.get(_ticket_url(t)).content.decode()
    assert "服装部" in ticket and "(clothing)" not in ticket
    assert str(department) == "服装部"
