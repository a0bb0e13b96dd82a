"""Files of the complaints desk: the R-CMP-7 review as a workbook (the PDF is in pdf.py). Builders:
loaded data in, bytes out; the admin views only call them. Complainants' phones are not in the review."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _


def review_labels() -> dict:
    """The review's headings in the current language (shared by the workbook and the PDF)."""
    return {"title": _("Complaint review"), "total": _("Received"), "closed": _("Closed"), "escalated": _("Escalated"),
            "ca": _("Consumer association"), "median_route": _("Median hours to route"),
            "median_close": _("Median hours to close"), "by_type": _("By type"), "by_department": _("By department"),
            "by_satisfaction": _("Satisfaction"), "week": _("Week of"),
            "case_columns": [_("Number"), _("Department"), _("Cause"), _("Handling"), _("Status")]}


def review_xlsx(*, review, week_start, week_cases) -> bytes:
    """R-CMP-7: the month's statistics on one sheet, the week's cases on another."""
    from openpyxl import Workbook

    labels = review_labels()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{review.start:%Y-%m}")
    ws.append([labels["title"], f"{review.start:%Y-%m}"])
    for key, value in (("total", review.total), ("closed", review.closed), ("escalated", review.escalated),
                       ("ca", review.consumer_association), ("median_route", review.median_hours_to_route),
                       ("median_close", review.median_hours_to_close)):
        ws.append([labels[key], value])
    for heading, bars in ((labels["by_type"], review.by_type), (labels["by_department"], review.by_department),
                          (labels["by_satisfaction"], review.by_satisfaction)):
        ws.append([])
        ws.append([heading])
        for bar in bars:
            ws.append([bar.label, bar.count])
    week = wb.create_sheet(f"{labels['week']} {week_start:%Y-%m-%d}")
    week.append(labels["case_columns"] + [_("Received at"), _("Escalation level"), _("Satisfaction")])
    for c in week_cases:
        week.append([c.number, c.department.name if c.department_id else "", c.cause, c.proposed_handling or c.reply,
                     c.get_status_display(), timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
                     c.escalation_level, c.get_satisfaction_display()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
