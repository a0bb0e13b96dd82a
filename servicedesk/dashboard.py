"""Desk dashboard tiles and counter tasks. Each app contributes from `<app>/dashboard.py`:

    def tiles(request) -> list[Tile]: ...     # the user's queues and clocks
    def tasks(request) -> list[Task]: ...     # counter tasks the user may start (large buttons on the home)

A tile shows real counts and links; an app with nothing to show returns no tile. Tiles are built
per request for the logged-in user, so each role sees only what it may act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class TileLine:
    label: str
    value: str | int
    url: str | None = None
    alert: bool = False  # shown in red (overdue, low stock)


@dataclass(frozen=True)
class Tile:
    title: str
    lines: list[TileLine] = field(default_factory=list)
    url: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Task:
    """A counter task one click from home (enrol, voucher, gift, invoice, complaint, return, …)."""

    label: str
    url: str
    order: int = 100
    hint: str = ""


def _collect(name: str, request) -> list:
    from .plugins import app_modules

    found: list = []
    for _label, module in app_modules("dashboard"):
        provider = getattr(module, name, None)
        if provider is not None:
            found.extend(provider(request))
    return sorted(found, key=lambda item: item.order)


def collect_tiles(request) -> list[Tile]:
    return _collect("tiles", request)


def collect_tasks(request) -> list[Task]:
    return _collect("tasks", request)


def tasks(request) -> list[Task]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if not request.user.has_perm("servicedesk.add_handoverentry"):
        return []
    return [Task(_("Shift handover"), reverse("admin:servicedesk_handoverentry_desk"), order=90,
                 hint=_("Read, acknowledge and write the handover book"))]


def tiles(request) -> list[Tile]:
    """The desk's own tiles: the handover book, my notifications, and whether the scheduler runs."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from . import selectors
    from .models import HandoverEntry, SchedulerHeartbeat

    user = request.user
    result: list[Tile] = []
    if user.has_perm("servicedesk.view_handoverentry") and HandoverEntry.objects.exists():
        awaiting = selectors.handover_entries_awaiting_acknowledgement().exclude(written_by=user).count()
        open_items = selectors.handover_open_items().count()
        url = reverse("admin:servicedesk_handoverentry_desk")
        result.append(Tile(_("Shift handover book"), [
            TileLine(_("Entries to acknowledge"), awaiting, url, alert=awaiting > 0),
            TileLine(_("Open items"), open_items, url),
        ], url=url, order=10))
    unread = selectors.notifications_unread(user=user).count()
    if unread:
        url = reverse("admin:servicedesk_notification_changelist") + "?read_at__isnull=True"
        result.append(Tile(_("Notifications"), [TileLine(_("Unread"), unread, url, alert=True)], url=url, order=5))
    if user.has_perm("servicedesk.view_schedulerheartbeat"):
        beat = SchedulerHeartbeat.objects.filter(name="beat").first()
        if beat and beat.last_beat_at:
            stale = timezone.now() - beat.last_beat_at > timedelta(seconds=3 * settings.DESK_HEARTBEAT_SECONDS + 60)
            when = date_format(timezone.localtime(beat.last_beat_at), "SHORT_DATETIME_FORMAT")
            result.append(Tile(_("Scheduled jobs"), [TileLine(_("Last ran"), when, alert=stale)], order=900))
    return result
