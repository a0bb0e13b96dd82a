"""Dashboard tile of the complaints desk: awaiting routing, overdue (red), awaiting my feedback (R-CMP-2)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine

from . import selectors
from .choices import ComplaintStatus


def tiles(request) -> list[Tile]:
    user = request.user
    if not user.has_perm("complaints.view_complaint"):
        return []
    now = timezone.now()
    qs = selectors.complaints_visible_to(user=user)
    counts = qs.filter(status__in=[ComplaintStatus.AWAITING_ROUTING, ComplaintStatus.AWAITING_FEEDBACK,
                                   ComplaintStatus.AWAITING_APPROVAL, ComplaintStatus.AWAITING_FOLLOWUP]).aggregate(
        routing=Count("id", filter=Q(status=ComplaintStatus.AWAITING_ROUTING)),
        overdue=Count("id", filter=Q(status=ComplaintStatus.AWAITING_ROUTING, route_by__lte=now)
                      | Q(status=ComplaintStatus.AWAITING_FEEDBACK, feedback_by__lte=now)),
        approval=Count("id", filter=Q(status=ComplaintStatus.AWAITING_APPROVAL)),
        followup=Count("id", filter=Q(status=ComplaintStatus.AWAITING_FOLLOWUP)),
    )
    base = reverse("admin:complaints_complaint_changelist")
    lines = []
    if selectors.sees_all_complaints(user):
        lines.append(TileLine(_("Awaiting routing"), counts["routing"], f"{base}?status=awaiting_routing"))
    lines.append(TileLine(_("Overdue"), counts["overdue"], f"{base}?clock=overdue", alert=counts["overdue"] > 0))
    mine = selectors.complaints_awaiting_feedback_for(user=user).count() if user.has_perm("complaints.answer_feedback") else 0
    if mine or not selectors.sees_all_complaints(user):
        lines.append(TileLine(_("Awaiting my feedback"), mine, f"{base}?status=awaiting_feedback", alert=mine > 0))
    if user.has_perm("complaints.approve_handling"):
        lines.append(TileLine(_("Awaiting approval"), counts["approval"], f"{base}?status=awaiting_approval"))
    if user.has_perm("complaints.record_followup"):
        lines.append(TileLine(_("Follow-up calls due"), counts["followup"], f"{base}?status=awaiting_followup"))
    if user.has_perm("complaints.add_complaint"):
        lines.append(TileLine(_("Fast intake"), "+", reverse("admin:complaints_complaint_intake")))
    return [Tile(_("Complaints"), lines, url=base, order=20)]


def tasks(request) -> list:
    from servicedesk.dashboard import Task

    if not request.user.has_perm("complaints.add_complaint"):
        return []
    return [Task(_("Take a complaint"), reverse("admin:complaints_complaint_intake"), order=40,
                 hint=_("Intake starts the 24-hour routing clock (R-CMP-1)"))]
