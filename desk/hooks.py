"""What desk registers at the seams (servicedesk/extensions.py): its two ledgers' checks, run by
`manage.py verify_ledgers` and after every test."""

from __future__ import annotations

from django.db.models import Count, Q, Sum


class DepositLedgerCheck:
    """R-DESK-3: a loan that is out holds exactly its deposit in the ledger; a returned or forfeited loan holds
    nothing (one `taken` and one closing entry)."""

    name = "desk_deposits"

    def mismatches(self) -> list[str]:
        from .models import UmbrellaLoan

        found = []
        rows = UmbrellaLoan.objects.annotate(held=Sum("deposit_entries__held_change"), n=Count("deposit_entries"),
                                             taken=Count("deposit_entries", filter=Q(deposit_entries__kind="taken")))
        for loan in rows.filter(Q(status="out") | ~Q(n=2) | ~Q(taken=1)).only("pk", "umbrella", "status", "deposit"):
            expected = loan.deposit if loan.status == "out" else 0
            if (loan.held or 0) != expected or loan.taken != 1 or loan.n != (1 if loan.status == "out" else 2):
                found.append(f"umbrella loan {loan.pk} ({loan.umbrella}, {loan.status}): ledger holds {loan.held}, "
                             f"expected {expected}")
        return found


class SupplyLedgerCheck:
    """A free item's or supply's `on_hand` equals the sum of its ledger."""

    name = "desk_supplies"

    def mismatches(self) -> list[str]:
        from .models import SupplyItem

        rows = SupplyItem.objects.annotate(total=Sum("entries__quantity")).only("pk", "code", "on_hand")
        return [f"supply {i.code}: on hand {i.on_hand}, ledger {i.total or 0}" for i in rows if i.on_hand != (i.total or 0)]


class GiftWrapPanel:
    """Member 360: the free gift wrapping logged against this card (R-DESK-3), last five."""

    name = "desk_gift_wraps"
    target = "members.card"

    def render(self, *, obj, request) -> str:
        from django.urls import reverse
        from django.utils import timezone
        from django.utils.html import format_html, format_html_join
        from django.utils.translation import gettext as _

        from .models import GiftWrap

        if not request.user.has_perm("desk.view_giftwrap"):
            return ""
        wraps = list(GiftWrap.objects.filter(card=obj).order_by("-at")[:5])
        if not wraps:
            return ""
        rows = format_html_join("", "<li>{} · {}</li>", (
            (timezone.localtime(w.at).strftime("%Y-%m-%d %H:%M"), _("%(n)s parcels") % {"n": w.items}) for w in wraps))
        url = reverse("admin:desk_giftwrap_changelist") + f"?q={obj.card_number}"
        return format_html('<section class="desk-card" id="desk-gift-wraps"><h2><a href="{}">{}</a></h2><ul>{}</ul></section>',
                           url, _("Gift wrapping"), rows)


class LostPropertyScan:
    """The scan box's lost-property lookup: an SW-YYYYMMDD-NNNN number opens the register entry."""

    name = "desk"

    def find(self, *, term, user):
        from django.urls import reverse
        from django.utils.translation import gettext as _

        from servicedesk.extensions import ScanHit

        from .models import LostProperty

        if not term.upper().startswith("SW-") or not user.has_perm("desk.view_lostproperty"):
            return []
        return [ScanHit(_("Lost property"), item.number, reverse("admin:desk_lostproperty_change", args=[item.pk]),
                        f"{item.get_status_display()} · {item.description}")
                for item in LostProperty.objects.filter(number=term.upper())[:2]]


def register() -> None:
    from servicedesk.extensions import ledger_checks, page_panels, scan_lookups

    scan_lookups.register(LostPropertyScan())

    ledger_checks.register(DepositLedgerCheck())
    ledger_checks.register(SupplyLedgerCheck())
    page_panels.register(GiftWrapPanel())
