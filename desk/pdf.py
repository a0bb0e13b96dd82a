"""Printable desk reports (R-DESK-4): plain values in, PDF bytes out (reportlab, the CJK font built in)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .report_rows import report_sections, report_title

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def report_pdf(*, kind: str, data: dict) -> bytes:
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    y = height - 25 * mm
    c.setFont(font, 15)
    c.drawString(20 * mm, y, report_title(kind, data))
    y -= 12 * mm
    for heading, rows in report_sections(kind, data):
        if y < 40 * mm:
            c.showPage()
            y = height - 25 * mm
        c.setFont(font, 12)
        c.drawString(20 * mm, y, heading)
        y -= 7 * mm
        c.setFont(font, 10)
        for label, value in rows:
            c.drawString(28 * mm, y, str(label))
            c.drawRightString(width - 25 * mm, y, str(value))
            y -= 6 * mm
            if y < 25 * mm:
                c.showPage()
                c.setFont(font, 10)
                y = height - 25 * mm
        y -= 4 * mm
    c.showPage()
    c.save()
    return buf.getvalue()
