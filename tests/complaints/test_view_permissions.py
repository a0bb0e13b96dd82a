"""Every counter page and API endpoint of the complaints desk, checked against the role matrix
(tests/viewcases.py): anonymous → login / 401, roles without the permission → 403, with it → through."""

from django.utils import timezone

from tests.factories.complaints import ComplaintFactory, DepartmentFactory
from tests.viewcases import ViewCase, view_case_test


def _department(user):
    dept = DepartmentFactory(code="clothing", name="服装部")
    dept.staff.add(user)  # a department user sees only its departments' tickets
    return dept


def ticket_pk(user):
    return {"pk": _ticket(user).pk}


def _ticket(user):
    return ComplaintFactory(department=_department(user), status="awaiting_feedback",
                            feedback_by=timezone.now() + timezone.timedelta(hours=48))


def ticket_number(user):
    return {"number": _ticket(user).number}


def department_code(user):
    return {"code": _department(user).code}


def phrase_pk(user):
    from complaints.models import ReplyPhrase

    return {"pk": ReplyPhrase.objects.filter(active=True).order_by("pk").first().pk}


ADMIN = [
    ViewCase("admin:complaints_complaint_intake", "complaints.add_complaint"),
    ViewCase("admin:complaints_complaint_review", "complaints.view_complaint_review"),
    ViewCase("admin:complaints_complaint_review_xlsx", "complaints.view_complaint_review"),
    ViewCase("admin:complaints_complaint_review_pdf", "complaints.view_complaint_review"),
    ViewCase("admin:complaints_complaint_ticket", "complaints.view_complaint", args=ticket_pk),
    ViewCase("admin:complaints_complaint_pdf", "complaints.view_complaint", args=ticket_pk),
    ViewCase("admin:complaints_complaintpolicy_add", "complaints.manage_clock_policy"),
    ViewCase("admin:complaints_department_add", "complaints.manage_departments"),
    ViewCase("admin:complaints_replyphrase_add", "complaints.manage_phrases"),
    ViewCase("admin:complaints_forbiddenphrase_add", "complaints.manage_phrases"),
]

API = [
    ViewCase("complaints-api:department-list", "complaints.view_department"),
    ViewCase("complaints-api:department-list", "complaints.manage_departments", "post", id="POST department-list"),
    ViewCase("complaints-api:department-detail", "complaints.view_department", args=department_code),
    ViewCase("complaints-api:department-detail", "complaints.manage_departments", "patch", args=department_code,
             data={"feedback_hours": 24}, id="PATCH department-detail"),
    ViewCase("complaints-api:complaint-list", "complaints.view_complaint"),
    ViewCase("complaints-api:complaint-list", "complaints.add_complaint", "post", id="POST complaint-list"),
    ViewCase("complaints-api:complaint-detail", "complaints.view_complaint", args=ticket_number),
    ViewCase("complaints-api:complaint-detail", "complaints.change_complaint", "patch", args=ticket_number,
             id="PATCH complaint-detail"),
    ViewCase("complaints-api:complaint-route", "complaints.route_complaint", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-feedback", "complaints.answer_feedback", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-approve", "complaints.approve_handling", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-send-back", "complaints.approve_handling", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-notify", "complaints.record_followup", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-carry-out", "complaints.view_complaint", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-followup", "complaints.record_followup", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-reopen", "complaints.route_complaint", "post", args=ticket_number),
    ViewCase("complaints-api:complaint-events", "complaints.view_complaint", args=ticket_number),
    ViewCase("complaints-api:complaint-followups", "complaints.view_complaint", args=ticket_number),
    ViewCase("complaints-api:complaint-supplier-contacts", "complaints.view_complaint", args=ticket_number),
    ViewCase("complaints-api:replyphrase-list", "complaints.view_replyphrase"),
    ViewCase("complaints-api:replyphrase-detail", "complaints.view_replyphrase", args=phrase_pk),
    ViewCase("complaints-api:complaint-draft-check", "complaints.view_replyphrase", "post", data={"draft": "您好"}),
]

test_view_permissions = view_case_test(ADMIN + API)
