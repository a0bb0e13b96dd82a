"""The scan box's receipt lookup: a till receipt number (side by its prefix when both sides have it)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from servicedesk.extensions import ScanHit

from .models import Receipt


class ReceiptsScan:
    name = "receipts"

    def find(self, *, term, user):
        if not user.has_perm("receipts.view_receipt") or len(term) > 40:
            return []
        return [ScanHit(_("Till receipt"), str(r), reverse("admin:receipts_receipt_change", args=[r.pk]),
                        f"{date_format(localtime(r.rung_at), 'SHORT_DATETIME_FORMAT')} · {r.total:.2f}")
                for r in Receipt.objects.filter(number=term)[:5]]
