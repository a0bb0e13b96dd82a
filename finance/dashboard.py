"""Finance tile of the desk dashboard: whether last month is closed yet (R-FIN-2), and the month page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine


def tiles(request) -> list[Tile]:
    from servicedesk.periods import month_is_closed, month_key

    from .rules import previous_month

    if not request.user.has_perm("finance.view_monthclose"):
        return []
    last = previous_month(timezone.localdate())
    closed = month_is_closed(month=last)
    url = reverse("admin:finance_monthclose_month")
    return [Tile(_("Finance"), [
        TileLine(_("Month %(m)s") % {"m": month_key(last)}, _("closed") if closed else _("open"),
                 f"{url}?month={month_key(last)}", alert=not closed),
        TileLine(_("Month page"), _("Ledgers and exports"), url),
    ], url=url, order=80)]
