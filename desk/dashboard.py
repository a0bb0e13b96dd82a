"""Dashboard tiles of the desk services: umbrellas out, overdue loans, items held, reports ready, low supplies."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine

from . import selectors


def tiles(request) -> list[Tile]:
    user = request.user
    result: list[Tile] = []
    now = timezone.now()
    if user.has_perm("desk.view_umbrellaloan"):
        loans = reverse("admin:desk_umbrellaloan_changelist")
        lost = reverse("admin:desk_lostproperty_changelist")
        overdue = selectors.loans_overdue(now=now).count()
        due = selectors.lost_property_due_for_disposal(today=timezone.localdate(now)).count()
        low = selectors.supplies_low().count()
        lines = [
            TileLine(_("Umbrellas out"), selectors.loans_out().count(), f"{loans}?status__exact=out"),
            TileLine(_("Overdue loans"), overdue, f"{loans}?status__exact=out", alert=overdue > 0),
            TileLine(_("Lost property held"), selectors.lost_property_held().count(), f"{lost}?status__exact=held"),
        ]
        if due:
            lines.append(TileLine(_("Past the holding period"), due, f"{lost}?status__exact=held", alert=True))
        if low:
            lines.append(TileLine(_("Supplies running low"), low, reverse("admin:desk_supplyitem_changelist"), alert=True))
        if user.has_perm("desk.view_enquiry"):
            lines.append(TileLine(_("Desk counter"), "→", reverse("admin:desk_enquiry_counter")))
        result.append(Tile(_("Desk services"), lines, url=reverse("admin:desk_enquiry_counter"), order=15))
    if user.has_perm("desk.see_desk_reports"):
        ready = selectors.reports_ready()[:2]
        url = reverse("admin:desk_deskreport_changelist")
        lines = [TileLine(str(r), _("ready"), reverse("admin:desk_deskreport_page", args=[r.kind, r.period])) for r in ready]
        lines.append(TileLine(_("This week so far"), "→", reverse("admin:desk_deskreport_live") + "?kind=weekly"))
        result.append(Tile(_("Desk reports"), lines, url=url, order=60))
    return result


def tasks(request) -> list:
    from servicedesk.dashboard import Task

    if not request.user.has_perm("desk.add_enquiry"):
        return []
    return [Task(_("Desk services"), reverse("admin:desk_enquiry_counter"), order=60,
                 hint=_("Enquiries, umbrellas, free items, gift wrapping, deliveries, lost property, bag storage"))]
