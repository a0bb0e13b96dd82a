"""Reads for the desk: handover book and notifications."""

from __future__ import annotations

from django.db.models import QuerySet

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
