"""Gifts tile of the desk dashboard: stock low, campaigns ending, unexplained variances (R-GIFT-2/6/7)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine


def tiles(request) -> list[Tile]:
    from . import selectors

    user = request.user
    if not user.has_perm("gifts.view_giftitem"):
        return []
    today = timezone.localdate()
    policy = selectors.policy_in_force(on=today)
    low = list(selectors.items_low(policy=policy)[:5])
    ending = list(selectors.campaigns_ending(today=today, policy=policy)[:5])
    variances = selectors.stocktakes_unexplained().count()
    lines = [
        TileLine(_("Stock low"), ", ".join(f"{i.code} {i.on_hand}" for i in low) or "0",
                 reverse("admin:gifts_giftitem_changelist"), alert=bool(low)),
        TileLine(_("Campaigns ending"), ", ".join(f"{c.code} {c.ends_on:%m-%d}" for c in ending) or "0",
                 reverse("admin:gifts_giftcampaign_changelist") + "?status__exact=open",
                 alert=any(c.ends_on < today for c in ending)),
        TileLine(_("Unexplained variances"), variances,
                 reverse("admin:gifts_stocktake_changelist") + "?status__exact=needs_explanation", alert=variances > 0),
    ]
    if user.has_perm("gifts.issue_gift"):
        lines.append(TileLine(_("Gift counter"), _("Scan a receipt or voucher"), reverse("admin:gifts_giftissue_counter")))
    return [Tile(_("Gifts"), lines, url=reverse("admin:gifts_giftissue_counter") if user.has_perm("gifts.issue_gift")
                 else reverse("admin:gifts_giftitem_changelist"), order=40)]
