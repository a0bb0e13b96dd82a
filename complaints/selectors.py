"""Reads of the complaints desk."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from . import rules
from .choices import ComplaintStatus
from .models import Complaint, ComplaintPolicy, Department, ForbiddenPhrase, ReplyPhrase


def clock_policy_row(*, on: dt.date) -> ComplaintPolicy | None:
    return ComplaintPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def clock_policy(*, on: dt.date) -> rules.ClockPolicy:
    """The R-CMP-2 clock policy in force on a store-local day (rule defaults when none is set)."""
    row = clock_policy_row(on=on)
    if row is None:
        return rules.ClockPolicy()
    return rules.ClockPolicy(routing_hours=row.routing_hours, escalation_hours=row.escalation_hours)


def sees_all_complaints(user) -> bool:
    return user.has_perm("complaints.view_all_complaints")


def departments_of(user) -> QuerySet[Department]:
    return Department.objects.filter(staff=user)


def complaints_visible_to(*, user, queryset: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    """Desk staff and managers see every ticket; a department user only its own departments' tickets."""
    qs = Complaint.objects.all() if queryset is None else queryset
    if sees_all_complaints(user):
        return qs
    if not user.has_perm("complaints.view_complaint"):
        return qs.none()
    return qs.filter(department__staff=user)


def complaints_overdue(*, now: dt.datetime, policy: rules.ClockPolicy) -> QuerySet[Complaint]:
    """R-CMP-2: tickets whose running clock has passed and whose escalation level is below what is due
    (one set-based query; the indexes (status, route_by) and (status, feedback_by) serve it)."""
    step = dt.timedelta(hours=policy.escalation_hours)
    cond = Q()
    for status, field in ((ComplaintStatus.AWAITING_ROUTING, "route_by"), (ComplaintStatus.AWAITING_FEEDBACK, "feedback_by")):
        cond |= Q(status=status, escalation_level=0, **{f"{field}__lte": now})
        cond |= Q(status=status, escalation_level__lt=2, **{f"{field}__lte": now - step})
    return Complaint.objects.filter(cond)


def complaints_awaiting_feedback_for(*, user) -> QuerySet[Complaint]:
    return Complaint.objects.filter(status=ComplaintStatus.AWAITING_FEEDBACK, department__staff=user)


def users_in_role(role: str):
    return get_user_model().objects.filter(groups__name=role, is_active=True).order_by("pk")


def forbidden_phrases() -> list[tuple[str, str, str]]:
    return list(ForbiddenPhrase.objects.filter(active=True).values_list("text", "kind", "instead"))


def reply_phrases(*, q: str = "", scene: str = "") -> QuerySet[ReplyPhrase]:
    qs = ReplyPhrase.objects.filter(active=True)
    if scene:
        qs = qs.filter(scene=scene)
    if q:
        qs = qs.filter(text__icontains=q)
    return qs.order_by("scene", "sort", "id")
