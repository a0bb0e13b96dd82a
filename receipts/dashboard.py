"""Receipts tile of the desk dashboard: today's till feed and imports, for the roles that import."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine


def tiles(request) -> list[Tile]:
    from .choices import ReceiptSource
    from .models import Receipt

    user = request.user
    if not user.has_perm("receipts.import_receipts"):
        return []
    today = Receipt.objects.filter(business_date=timezone.localdate())
    url = reverse("admin:receipts_receipt_changelist")
    fed = today.filter(source=ReceiptSource.FEED).count()
    imported = today.filter(source=ReceiptSource.IMPORT).count()
    return [Tile(_("Till receipts today"), [
        TileLine(_("From the till feed"), fed, f"{url}?source__exact=feed", alert=fed == 0),
        TileLine(_("Imported"), imported, f"{url}?source__exact=import"),
        TileLine(_("Import a day's till export"), _("Import"), reverse("admin:receipts_receipt_import")),
    ], url=url, order=25)]
