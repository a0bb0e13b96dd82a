"""Dashboard tile: the return slips that wait for the logged-in user's role (R-RET-12)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from servicedesk.dashboard import Tile, TileLine

from . import selectors
from .choices import ReturnStatus


def tiles(request) -> list:
    user = request.user
    if not user.has_perm("returns.view_returnrequest"):
        return []
    waiting = selectors.returns_waiting_for(user=user)
    changelist = reverse("admin:returns_returnrequest_changelist")
    lines = []
    labels = {
        ReturnStatus.AWAITING_COUNTER_CHECK.value: _("Goods to check at the counter"),
        ReturnStatus.AWAITING_APPROVAL.value: _("Slips to approve"),
        ReturnStatus.AWAITING_LOSS_PREVENTION.value: _("Slips to sign for loss prevention"),
        ReturnStatus.AWAITING_REFUND.value: _("Refunds to pay at the till"),
    }
    for status, label in labels.items():
        if status in waiting:
            count = waiting[status] or 0
            url = (reverse("admin:returns_returnrequest_queue") if status == ReturnStatus.AWAITING_APPROVAL
                   else f"{changelist}?status__exact={status}")
            lines.append(TileLine(label, count, url, alert=count > 0))
    if user.has_perm("returns.add_returnrequest"):
        lines.append(TileLine(_("New return at the counter"), "+", reverse("admin:returns_returnrequest_counter")))
    if not lines:
        return []
    return [Tile(_("Returns and exchanges"), lines, url=changelist, order=30)]


def tasks(request) -> list:
    from servicedesk.dashboard import Task

    if not request.user.has_perm("returns.add_returnrequest"):
        return []
    return [Task(_("Start a return"), reverse("admin:returns_returnrequest_counter"), order=50,
                 hint=_("Scan the receipt, check the goods, print the slip (R-RET-1…13)"))]
