"""Dashboard tile: urgent inserts waiting for the booth, inserts that expired unaired today, and the
scripts awaiting this user's review (R-BC-4, R-BC-5)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine

from . import selectors


def tiles(request) -> list:
    user = request.user
    if not user.has_perm("broadcast.view_urgentinsert"):
        return []
    counts = selectors.booth_counts(user=user, now=timezone.now())
    booth = reverse("admin:broadcast_urgentinsert_booth")
    inserts = reverse("admin:broadcast_urgentinsert_changelist")
    lines = [TileLine(_("Urgent inserts waiting"), counts["waiting"], booth, alert=counts["waiting"] > 0)]
    if counts["expired"]:
        lines.append(TileLine(_("Expired without airing today"), counts["expired"],
                              f"{inserts}?status__exact=expired", alert=True))
    if user.has_perm("broadcast.approve_script"):
        lines.append(TileLine(_("Scripts awaiting review"), counts["review"],
                              reverse("admin:broadcast_script_changelist") + "?status__exact=awaiting_review",
                              alert=counts["review"] > 0))
    if user.has_perm("broadcast.add_urgentinsert"):
        lines.append(TileLine(_("Raise a PA insert"), "+", reverse("admin:broadcast_urgentinsert_raise")))
    return [Tile(_("Broadcast"), lines, url=booth if user.has_perm("broadcast.air_item") else inserts, order=60)]
