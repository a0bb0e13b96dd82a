"""Dashboard tile of the complaints desk: awaiting routing, overdue (red), awaiting my feedback (R-CMP-2)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine

from . import rules, selectors
from .choices import ComplaintStatus
from .ordering import by_time_left


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
    tiles = [Tile(_("Complaints"), lines, url=base, order=20)]
    urgent = _most_urgent(qs, now=now)
    if urgent:
        tiles.append(Tile(_("Complaint clocks: least time left"), urgent, url=base, order=21))
    return tiles


URGENT_SHOWN = 5


def _most_urgent(qs, *, now) -> list[TileLine]:
    """The running clocks with the least time left, overdue first (issue 15): one bounded query on the
    (status, route_by) and (status, feedback_by) indexes' statuses, each line opening its ticket."""
    running = by_time_left(qs.filter(status__in=[ComplaintStatus.AWAITING_ROUTING, ComplaintStatus.AWAITING_FEEDBACK]))
    lines = []
    for c in running.only("pk", "number", "status", "route_by", "feedback_by")[:URGENT_SHOWN]:
        left = rules.remaining(due_at=c.clock_due, now=now)
        text = rules.format_remaining(left)
        if left.total_seconds() < 0:
            text = _("overdue %(time)s") % {"time": text.lstrip("-")}
        lines.append(TileLine(f"{c.number} · {c.get_status_display()}", text,
                              reverse("admin:complaints_complaint_ticket", args=[c.pk]), alert=left.total_seconds() < 0))
    return lines


def tasks(request) -> list:
    from servicedesk.dashboard import Task

    if not request.user.has_perm("complaints.add_complaint"):
        return []
    return [Task(_("Take a complaint"), reverse("admin:complaints_complaint_intake"), order=40,
                 hint=_("Intake starts the 24-hour routing clock (R-CMP-1)"))]
