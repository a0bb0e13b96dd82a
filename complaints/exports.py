"""Files of the complaints desk: the R-CMP-7 review as a workbook (the PDF is in pdf.py). Builders:
loaded data in, bytes out; the admin views only call them. Complainants' phones are not in the review.

The workbook carries the page's charts as native Excel charts (openpyxl), next to the tables they are
drawn from; durations are hours with two decimals (number format 0.00), percentages Excel percentages."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

HOURS_FORMAT, PERCENT_FORMAT = "0.00", "0.0%"


def review_labels() -> dict:
    """The review's headings in the current language (shared by the workbook and the PDF)."""
    return {"title": _("Complaint review"), "total": _("Received"), "closed": _("Closed"), "escalated": _("Escalated"),
            "ca": _("Consumer association"), "median_route": _("Median hours to route"),
            "median_close": _("Median hours to close"), "mean_route": _("Mean hours to route"),
            "mean_close": _("Mean hours to close"), "satisfied": _("Satisfied %"),
            "by_type": _("By type"), "by_department": _("By department"),
            "by_satisfaction": _("Satisfaction"), "week": _("Week of"), "months": _("Months"), "weeks": _("Weeks"),
            "month": _("Month"), "week_col": _("Week from"), "hours": _("Mean hours from intake"),
            "case_columns": [_("Number"), _("Department"), _("Cause"), _("Handling"), _("Status")]}


def _cell(ws, value, number_format: str | None = None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def _fraction(percent):
    return None if percent is None else round(percent / 100, 3)


def _bar_chart(ws, *, title: str, cats: tuple, data: tuple, stacked=False, horizontal=False, y_title=""):
    """A bar chart over ws's rows: `cats`/`data` are (min_col, min_row, max_col, max_row); data has its header row."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    if y_title:
        chart.y_axis.title = y_title
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    c1, r1, c2, r2 = data
    chart.add_data(Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2), titles_from_data=True)
    c1, r1, c2, r2 = cats
    chart.set_categories(Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2))
    chart.width, chart.height = 18, 8
    chart.y_axis.delete = chart.x_axis.delete = False  # openpyxl 3.1 hides axes by default
    if len(range(data[0], data[2] + 1)) == 1:
        chart.legend = None
    return chart


def _line_chart(ws, *, title: str, cats: tuple, data: tuple, y_title: str):
    from openpyxl.chart import LineChart, Reference

    chart = LineChart()
    chart.title, chart.y_axis.title = title, y_title
    c1, r1, c2, r2 = data
    chart.add_data(Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2), titles_from_data=True)
    c1, r1, c2, r2 = cats
    chart.set_categories(Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2))
    chart.y_axis.number_format = HOURS_FORMAT
    chart.width, chart.height = 18, 8
    chart.y_axis.delete = chart.x_axis.delete = False
    return chart


def _month_sheet(wb, review, labels):
    ws = wb.create_sheet(f"{review.start:%Y-%m}")
    ws.append([labels["title"], f"{review.start:%Y-%m}"])
    for key, value, fmt in (
            ("total", review.total, None), ("closed", review.closed, None), ("escalated", review.escalated, None),
            ("ca", review.consumer_association, None),
            ("median_route", review.median_hours_to_route, HOURS_FORMAT),
            ("median_close", review.median_hours_to_close, HOURS_FORMAT),
            ("mean_route", review.mean_hours_to_route, HOURS_FORMAT),
            ("mean_close", review.mean_hours_to_close, HOURS_FORMAT),
            ("satisfied", _fraction(review.satisfied_percent), PERCENT_FORMAT)):
        ws.append([labels[key], _cell(ws, value, fmt)])
    row = 10  # rows written so far
    anchors = iter(("E1", "E18", "E35"))
    for heading, bars in ((labels["by_type"], review.by_type), (labels["by_department"], review.by_department),
                          (labels["by_satisfaction"], review.by_satisfaction)):
        ws.append([])
        ws.append([heading, labels["total"]])
        head = row + 2
        for bar in bars:
            ws.append([bar.label, bar.count])
        row = head + len(bars)
        if bars:
            ws.add_chart(_bar_chart(ws, title=heading, cats=(1, head + 1, 1, row), data=(2, head, 2, row),
                                    horizontal=heading == labels["by_department"]), next(anchors))
        else:
            next(anchors)


def _trend_sheet(wb, trend, labels, *, title: str, period_label: str):
    """One row a period: received, by type, mean hours, satisfaction; then departments (months). Charts right."""
    ws = wb.create_sheet(title)
    types, sats = trend.by_type, trend.by_satisfaction
    head = [period_label, labels["total"], *(s.label for s in types), _("to route"), _("to close"),
            *(s.label for s in sats), labels["satisfied"]]
    ws.append(head)
    for i, period in enumerate(trend.labels):
        ws.append([period, trend.received[i], *(s.values[i] for s in types),
                   _cell(ws, trend.mean_hours_to_route[i], HOURS_FORMAT), _cell(ws, trend.mean_hours_to_close[i], HOURS_FORMAT),
                   *(s.values[i] for s in sats), _cell(ws, _fraction(trend.satisfied_percent[i]), PERCENT_FORMAT)])
    n = len(trend.labels)
    type_first, hours_first = 3, 3 + len(types)
    sat_first = hours_first + 2
    cats = (1, 2, 1, n + 1)
    anchor_col = "R"
    ws.add_chart(_bar_chart(ws, title=labels["by_type"], cats=cats, data=(type_first, 1, hours_first - 1, n + 1),
                            stacked=True), f"{anchor_col}1")
    ws.add_chart(_line_chart(ws, title=labels["hours"], cats=cats, data=(hours_first, 1, hours_first + 1, n + 1),
                             y_title=_("hours")), f"{anchor_col}18")
    ws.add_chart(_bar_chart(ws, title=labels["by_satisfaction"], cats=cats,
                            data=(sat_first, 1, sat_first + len(sats) - 1, n + 1), stacked=True), f"{anchor_col}35")
    if trend.unit == "month" and trend.by_department:
        ws.append([])
        first = n + 3
        ws.append([period_label, *(s.label for s in trend.by_department)])
        for i, period in enumerate(trend.labels):
            ws.append([period, *(s.values[i] for s in trend.by_department)])
        ws.add_chart(_bar_chart(ws, title=labels["by_department"], cats=(1, first + 1, 1, first + n),
                                data=(2, first, 1 + len(trend.by_department), first + n), stacked=True),
                     f"{anchor_col}52")


def review_xlsx(*, review, week_start, week_cases, months=None, weeks=None) -> bytes:
    """R-CMP-7: the month's statistics, the monthly and weekly trends (each with its charts), the week's cases."""
    from openpyxl import Workbook

    labels = review_labels()
    wb = Workbook(write_only=True)
    _month_sheet(wb, review, labels)
    if months is not None:
        _trend_sheet(wb, months, labels, title=labels["months"], period_label=labels["month"])
    if weeks is not None:
        _trend_sheet(wb, weeks, labels, title=labels["weeks"], period_label=labels["week_col"])
    week = wb.create_sheet(f"{labels['week']} {week_start:%Y-%m-%d}")
    week.append(labels["case_columns"] + [_("Received at"), _("Escalation level"), _("Satisfaction")])
    for c in week_cases:
        week.append([c.number, c.department.name if c.department_id else "", c.cause, c.proposed_handling or c.reply,
                     c.get_status_display(), timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
                     c.escalation_level, c.get_satisfaction_display()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
