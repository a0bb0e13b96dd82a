"""Dashboard tile of the invoices desk: the book in use and books running low, loss notices with their
clock (R-INV-7: report date + 7 days, red when past), and the monthly report (R-INV-8)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicedesk.dashboard import Tile, TileLine

from . import selectors


def tiles(request) -> list[Tile]:
    user = request.user
    if not user.has_perm("invoices.view_invoice"):
        return []
    today = timezone.localdate()
    policy = selectors.invoice_policy_in_force(on=today)
    books_url = reverse("admin:invoices_invoicebook_changelist")
    lines = []
    current = selectors.book_default()
    if current is not None:
        lines.append(TileLine(_("Next number"), f"{current.next_number} ({current.code})", books_url))
    else:
        lines.append(TileLine(_("No open invoice book"), "!", books_url, alert=True))
    for book in selectors.books_running_low(policy=policy):
        lines.append(TileLine(_("Book %(code)s running low") % {"code": book.code},
                              ngettext("%(n)d number left", "%(n)d numbers left", book.remaining) % {"n": book.remaining},
                              reverse("admin:invoices_invoicebook_change", args=[book.pk]), alert=True))
    for loss in selectors.losses_open().select_related("book").order_by("notice_due")[:5]:
        days = (loss.notice_due - today).days
        clock = (ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days} if days >= 0
                 else ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days})
        lines.append(TileLine(_("Loss notice %(book)s due %(due)s") % {"book": loss.book.code, "due": loss.notice_due},
                              clock, reverse("admin:invoices_invoiceloss_change", args=[loss.pk]), alert=days < 2))
    if user.has_perm("invoices.issue_invoice"):
        lines.append(TileLine(_("Write an invoice"), "+", reverse("admin:invoices_invoice_counter")))
    if user.has_perm("invoices.report_invoices"):
        lines.append(TileLine(_("Monthly report"), selectors.month_label(today),
                              reverse("admin:invoices_invoice_report")))
    return [Tile(_("Invoices"), lines, url=reverse("admin:invoices_invoice_changelist"), order=40)]


def tasks(request) -> list:
    from servicedesk.dashboard import Task

    if not request.user.has_perm("invoices.issue_invoice"):
        return []
    return [Task(_("Write an invoice"), reverse("admin:invoices_invoice_counter"), order=35,
                 hint=_("Scan the receipts; the page shows what to write (R-INV-2…4)"))]
