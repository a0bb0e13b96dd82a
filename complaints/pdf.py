"""Printable forms (reportlab): the record form (客户投诉记录表) and the handling form (投诉处理单) as the
store's paper has them (R-CMP-1, R-CMP-3), and the monthly review (R-CMP-7). Pure builders: objects in
(already loaded), bytes out. The paper forms keep their Chinese headings, as on the store's stationery."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1, spaceAfter=6 * mm)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=14)
LABEL = ParagraphStyle("label", parent=CELL, alignment=1)

TYPE_BOXES = (("service", "服务态度"), ("quality", "商品质量"), ("environment", "购物环境"), ("other", "其他"))


def _p(text, style=CELL):
    text = (str(text or "")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    return Paragraph(text, style)


def _date(value) -> str:
    if not value:
        return "____年___月___日"
    local = timezone.localtime(value) if hasattr(value, "tzinfo") and getattr(value, "hour", None) is not None else value
    return f"{local.year}年{local.month}月{local.day}日"


def _boxes(selected: str) -> str:
    return "  ".join(("■" if key == selected else "□") + label for key, label in TYPE_BOXES)


def _fit(rows, widths, minimums, spanned: set[int]) -> list[float]:
    """Row heights as on the paper form (the minimums), grown where the text needs more room."""
    heights = []
    for index, (row, minimum) in enumerate(zip(rows, minimums, strict=True)):
        needed = minimum
        for col, cell in enumerate(row):
            if isinstance(cell, Paragraph):
                width = sum(widths[1:]) if (index in spanned and col == 1) else widths[col]
                needed = max(needed, cell.wrap(width - 8, 10_000)[1] + 8)
        heights.append(needed)
    return heights


def _grid(rows, widths, heights=None) -> Table:
    table = Table(rows, colWidths=widths, rowHeights=heights, splitInRow=1)  # a very long cause continues overleaf
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _record_form(c, phone: str) -> list:
    w = [30 * mm, 55 * mm, 30 * mm, 55 * mm]
    rows = [
        [_p("投诉编号", LABEL), _p(c.number), _p("投诉日期", LABEL), _p(_date(c.received_at))],
        [_p("客户姓名", LABEL), _p(c.customer_name), _p("联系电话", LABEL), _p(phone)],
        [_p("投诉类型", LABEL), _p(_boxes(c.type)), "", ""],
        [_p("投诉原因", LABEL), _p(c.cause), "", ""],
        [_p("处理要求", LABEL), _p(c.request), "", ""],
        [_p("客户投诉专员意见", LABEL), _p(c.specialist_opinion), "", ""],
        [_p("记录人", LABEL), _p(_name(c.recorded_by)), _p("记录日期", LABEL), _p(_date(c.received_at))],
    ]
    table = _grid(rows, w, _fit(rows, w, [12 * mm, 12 * mm, 12 * mm, 32 * mm, 24 * mm, 24 * mm, 12 * mm], {2, 3, 4, 5}))
    table.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in (2, 3, 4, 5)]))
    return [Paragraph("客户投诉记录表", TITLE), table]


def _handling_form(c) -> list:
    w = [30 * mm, 55 * mm, 30 * mm, 55 * mm]
    dept = c.department.name if c.department_id else ""
    approver_line = f"{c.approval_instruction}\n\n签字：{_name(c.approved_by)}    {_date(c.approved_at)}"
    head_line = f"签字：{_name(c.answered_by)}    {_date(c.answered_at)}"
    rows = [
        [_p("投诉编号", LABEL), _p(c.number), _p("投诉日期", LABEL), _p(_date(c.received_at))],
        [_p("责任部门", LABEL), _p(dept), _p("投诉类型", LABEL), _p(dict(TYPE_BOXES).get(c.type, ""))],
        [_p("投诉原因", LABEL), _p(c.cause), "", ""],
        [_p("投诉要求", LABEL), _p(c.request), "", ""],
        [_p("投诉调查", LABEL), _p(c.investigation), "", ""],
        [_p("调查结果", LABEL), _p(c.result), "", ""],
        [_p("投诉处理建议", LABEL), _p(c.proposed_handling), "", ""],
        [_p("责任部门主管签字", LABEL), _p(head_line), "", ""],
        [_p("总经理批示", LABEL), _p(approver_line), "", ""],
    ]
    minimums = [12 * mm, 12 * mm, 24 * mm, 20 * mm, 30 * mm, 22 * mm, 26 * mm, 14 * mm, 30 * mm]
    table = _grid(rows, w, _fit(rows, w, minimums, set(range(2, 9))))
    table.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in range(2, 9)]))
    flags = [label for flag, label in ((c.serious, "重大投诉"), (c.consumer_association, "涉及消协/职能部门"),
                                       (c.product_safety, "产品安全")) if flag]
    extra = [Spacer(1, 4 * mm), _p(("标记：" + "、".join(flags)) if flags else "")]
    return [Paragraph("客户投诉处理单", TITLE), table, *extra]


def complaint_forms_pdf(complaint, *, phone: str | None = None) -> bytes:
    """Page 1 the record form, page 2 the handling form, of one ticket. `phone` is the complainant's
    number as the printing user may see it (masked unless given)."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=complaint.number, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm)
    phone = complaint.masked_phone if phone is None else phone
    doc.build([*_record_form(complaint, phone), PageBreak(), *_handling_form(complaint)])
    return buf.getvalue()


def review_pdf(*, review, week_start, week_cases, week_counts, labels: dict, months=None) -> bytes:
    """R-CMP-7 monthly statistics, the monthly trend (a chart and its table) and the week's typical cases.
    `labels` carries the translated headings."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=labels["title"], leftMargin=18 * mm, rightMargin=18 * mm)
    satisfied = "—" if review.satisfied_percent is None else f"{review.satisfied_percent:.1f}%"
    story = [Paragraph(labels["title"], TITLE),
             _p(f"{review.start:%Y-%m}   {labels['total']}: {review.total}   {labels['closed']}: {review.closed}   "
                f"{labels['escalated']}: {review.escalated}   {labels['ca']}: {review.consumer_association}"),
             _p(f"{labels['median_route']}: {_hours(review.median_hours_to_route)}   "
                f"{labels['median_close']}: {_hours(review.median_hours_to_close)}   "
                f"{labels['mean_route']}: {_hours(review.mean_hours_to_route)}   "
                f"{labels['mean_close']}: {_hours(review.mean_hours_to_close)}   {labels['satisfied']}: {satisfied}"),
             Spacer(1, 4 * mm)]
    for heading, bars in ((labels["by_type"], review.by_type), (labels["by_department"], review.by_department),
                          (labels["by_satisfaction"], review.by_satisfaction)):
        rows = [[_p(heading), _p("")]] + [[_p(b.label), _p(f"{b.count}  " + "█" * max(0, b.percent // 5))] for b in bars]
        story += [_grid(rows, [55 * mm, 115 * mm]), Spacer(1, 4 * mm)]
    if months is not None:
        story += _trend_story(months, labels)
    story.append(_p(f"{labels['week']} {week_start:%Y-%m-%d}: {labels['total']} {week_counts['total']}, "
                    f"{labels['closed']} {week_counts['closed']}"))
    rows = [[_p(h) for h in labels["case_columns"]]]
    for c in week_cases:
        rows.append([_p(c.number), _p(c.department.name if c.department_id else ""), _p(c.cause[:120]),
                     _p(c.proposed_handling[:120] or c.reply[:120]), _p(c.get_status_display())])
    story.append(_grid(rows, [30 * mm, 22 * mm, 50 * mm, 50 * mm, 22 * mm]))
    doc.build(story)
    return buf.getvalue()


SERIES_COLOURS = ("#417690", "#e07b39", "#5aa469", "#c0392b", "#8e6bbf")


def _trend_story(trend, labels) -> list:
    """The monthly trend as a stacked bar chart of received by type, then the figures as a table."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing

    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, 150 * mm, 44 * mm
    chart.data = [s.values for s in trend.by_type]
    chart.categoryAxis.categoryNames = trend.labels
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin = 0
    for i, _series in enumerate(trend.by_type):
        chart.bars[i].fillColor = colors.HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)])
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 12 * mm, 4 * mm, FONT, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 6, 6
    legend.colorNamePairs = [(colors.HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]), s.label)
                             for i, s in enumerate(trend.by_type)]
    drawing.add(chart)
    drawing.add(legend)
    head = [_p(labels["month"]), _p(labels["total"]), _p(labels["mean_route"]), _p(labels["mean_close"]),
            _p(labels["satisfied"])]
    rows = [head] + [[_p(period), _p(trend.received[i]), _p(_hours(trend.mean_hours_to_route[i])),
                      _p(_hours(trend.mean_hours_to_close[i])),
                      _p("—" if trend.satisfied_percent[i] is None else f"{trend.satisfied_percent[i]:.1f}%")]
                     for i, period in enumerate(trend.labels)]
    return [_p(f"{labels['months']}: {labels['by_type']}"), drawing, _grid(rows, [30 * mm, 25 * mm, 40 * mm, 40 * mm, 35 * mm]),
            Spacer(1, 4 * mm)]


def _hours(value) -> str:
    return "—" if value is None else f"{value:.2f} h"
