"""The scan box's member lookups (servicedesk.extensions.scan_lookups): a card number (scanned), a phone
or a name opens Member 360; namesakes are told apart by tier and masked phone."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from servicedesk.extensions import ScanHit

from . import selectors


class MembersScan:
    name = "members"

    def find(self, *, term, user):
        if not user.has_perm("members.view_card"):
            return []
        if not (term.isdigit() or any("\u4e00" <= ch <= "\u9fff" for ch in term) or term[:1].isalpha()):
            return []
        url = reverse("admin:members_card_360")
        return [ScanHit(_("Member card"), f"{card.member.name} — {card.card_number}", f"{url}?card={card.card_number}",
                        f"{card.get_tier_display()} · {card.get_status_display()} · {card.member.masked_phone}")
                for card in selectors.members_search(term=term, limit=10)]
