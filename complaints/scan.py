"""The scan box's complaint lookup: a ticket number (TS-YYYYMMDD-NNNN) opens the ticket, for users who
may see it (a department sees only its own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from servicedesk.extensions import ScanHit

from . import selectors


class ComplaintsScan:
    name = "complaints"

    def find(self, *, term, user):
        if not term.upper().startswith("TS-") or not user.has_perm("complaints.view_complaint"):
            return []
        found = selectors.complaints_visible_to(user=user).filter(number=term.upper())[:2]
        return [ScanHit(_("Complaint"), c.number, reverse("admin:complaints_complaint_ticket", args=[c.pk]),
                        f"{c.get_status_display()} · {c.customer_name}") for c in found]
