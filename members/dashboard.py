"""Members tile of the desk dashboard: card stock (R-CARD-3 warning), this week's issuance, Member 360."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine


def tiles(request) -> list[Tile]:
    from . import rules, selectors
    from .models import Card, CardStock

    user = request.user
    if not user.has_perm("members.view_card"):
        return []
    policy = selectors.policy_at(at=timezone.now())
    stock = CardStock.objects.filter(pk=1).values_list("on_hand", flat=True).first() or 0
    week_start = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    issued = Card.objects.filter(issued_at__gte=timezone.make_aware(dt.datetime.combine(week_start, dt.time()))).count()
    url = reverse("admin:members_card_360")
    lines = [
        TileLine(_("Blank cards in stock"), stock, reverse("admin:members_cardstock_changelist"),
                 alert=rules.card_stock_low(on_hand=stock, policy=policy)),
        TileLine(_("Cards issued this week"), issued, reverse("admin:members_card_changelist")),
        TileLine(_("Member 360"), _("Find a member"), url),
    ]
    if user.has_perm("members.add_card"):
        lines.append(TileLine(_("Enrolment"), _("Issue a card"), reverse("admin:members_card_enrol")))
    if user.has_perm("members.see_member_statistics"):
        lines.append(TileLine(_("Member statistics"), _("Enrolment and points by month"),
                              reverse("admin:members_memberstatistics_changelist")))
    return [Tile(_("VIP members"), lines, url=url, order=20)]


def tasks(request) -> list:
    from servicedesk.dashboard import Task

    user, found = request.user, []
    if user.has_perm("members.add_card"):
        found.append(Task(_("Enrol a member"), reverse("admin:members_card_enrol"), order=10,
                          hint=_("New VIP card from qualifying receipts (R-VIP-1…6)")))
    if user.has_perm("members.view_card"):
        found.append(Task(_("Member 360 · vouchers"), reverse("admin:members_card_360"), order=20,
                          hint=_("Balances, vouchers, point redemption, card replacement")))
    return found
