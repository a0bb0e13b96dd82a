"""The rows a desk report prints (R-DESK-4): one list of (label, value) sections shared by the page, the PDF
and the workbook, so the three say the same thing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import EnquiryTopic


def _topic(code: str) -> str:
    try:
        return str(EnquiryTopic(code).label)
    except ValueError:
        return code


def _complaint_type(code: str) -> str:
    labels = {"service": _("Service"), "quality": _("Quality"), "environment": _("Environment"), "other": _("Other")}
    return labels.get(code, code)


def report_title(kind: str, data: dict) -> str:
    if kind == "weekly":
        return _("Weekly desk report %(week)s (%(start)s – %(end)s)") % {"week": data["week"], "start": data["starts_on"],
                                                                          "end": data["ends_on"]}
    return _("Monthly desk report %(month)s") % {"month": data["month"]}


def report_sections(kind: str, data: dict) -> list[tuple[str, list[tuple[str, str | int]]]]:
    if kind == "weekly":
        return [
            (_("New members"), [(_("Gold card"), data["new_members"].get("gold", 0)),
                                (_("Platinum card"), data["new_members"].get("platinum", 0)),
                                (_("Cards issued (with replacements)"), data["cards_issued"])]),
            (_("Complaints and customer opinions"), [(_("All"), data["complaints"])]
             + [(_complaint_type(k), v) for k, v in sorted(data.get("complaints_by_type", {}).items())]),
            (_("Enquiries"), [(_("All"), data["enquiries"])]
             + [(_topic(k), v) for k, v in data.get("enquiries_by_topic", {}).items()]),
        ]
    return [
        (_("Points-rebate vouchers issued"), [(_("Vouchers"), data["vouchers_issued"]["count"]),
                                              (_("Value (CNY)"), data["vouchers_issued"]["value"])]),
        (_("Gifts issued"), [(_("Gifts"), data["gifts_issued"])]),
        (_("Enquiry calls"), [(_("Phone enquiries"), data["enquiry_calls"]), (_("All enquiries"), data["enquiries"])]),
        (_("Cards issued"), [(_("Cards"), data["cards_issued"])]),
        (_("Desk supplies stocktake"), [(f'{row["name"]} ({row["item"]})',
                                         f'{row["counted"]} / {row["expected"]} ({row["variance"]:+d})')
                                        for row in data.get("supplies_stocktake", [])]
         or [(_("Not counted yet"), "")]),
    ]


def report_chart(kind: str, data: dict) -> dict:
    """What the page's chart draws (Chart.js, served from static): labels and one series."""
    if kind == "weekly":
        topics = data.get("enquiries_by_topic", {})
        return {"labels": [str(_("Gold card")), str(_("Platinum card")), str(_("Complaints"))] + [_topic(k) for k in topics],
                "values": [data["new_members"].get("gold", 0), data["new_members"].get("platinum", 0), data["complaints"]]
                + list(topics.values()), "title": str(_("This week"))}
    return {"labels": [str(_("Vouchers")), str(_("Gifts")), str(_("Enquiry calls")), str(_("Cards issued"))],
            "values": [data["vouchers_issued"]["count"], data["gifts_issued"], data["enquiry_calls"], data["cards_issued"]],
            "title": str(_("This month"))}
