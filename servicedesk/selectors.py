"""Reads for the desk: handover book, notifications, and who holds a permission."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .choices import HandoverItemStatus
from .models import HandoverEntry, HandoverItem, Notification


def handover_entries_awaiting_acknowledgement() -> QuerySet[HandoverEntry]:
    return HandoverEntry.objects.filter(acknowledged_at__isnull=True).select_related("written_by")


def handover_latest_entry() -> HandoverEntry | None:
    return HandoverEntry.objects.select_related("written_by", "acknowledged_by").order_by("-created_at", "-id").first()


def handover_open_items() -> QuerySet[HandoverItem]:
    return HandoverItem.objects.filter(status=HandoverItemStatus.OPEN).select_related("entry").order_by("id")


def notifications_unread(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def users_with_perm(perm: str, *, active: bool = True, include_superusers: bool = False) -> QuerySet:
    """The one way to find people for a job: the users holding `perm` ("app_label.codename") through one
    of their groups (the role matrix, servicedesk/roles.py) or directly, ordered by pk. Never a group name.

    Superusers are left out unless `include_superusers`: they hold every permission, so counting them
    would copy every alert and escalation to the administrator account, which is nobody's desk duty.
    `active=False` also returns deactivated accounts."""
    app_label, _dot, codename = perm.partition(".")
    if not app_label or not codename:
        raise ValueError(f"permission must be 'app_label.codename', not {perm!r}")
    user_model = get_user_model()
    holds = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    if include_superusers:
        holds |= Q(is_superuser=True)
    # A subquery, not .distinct(): the joins repeat a user held through two routes, and the caller may
    # still lock, slice or annotate the result.
    qs = user_model.objects.filter(pk__in=user_model.objects.filter(holds).values("pk"))
    if not include_superusers:
        qs = qs.exclude(is_superuser=True)
    if active:
        qs = qs.filter(is_active=True)
    return qs.order_by("pk")
