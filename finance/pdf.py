"""The month's PDF summary (R-FIN-1): every ledger's rows, opening balance, movements by kind, closing balance
and whether it balances, and the closing totals. A pure builder: plain values in, PDF bytes out."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@dataclass(frozen=True)
class LedgerLines:
    title: str
    lines: list[tuple[str, str]]  # (label, value)


@dataclass(frozen=True)
class SummaryFacts:
    title: str
    status: str
    ledgers: list[LedgerLines]
    totals_title: str
    totals: list[tuple[str, str]]


def month_summary_pdf(facts: SummaryFacts) -> bytes:
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)  # invariant: the same facts give the same bytes
    width, height = A4
    y = height - 20 * mm

    def line(text: str, *, size: int = 10, indent: float = 0, value: str = ""):
        nonlocal y
        if y < 20 * mm:
            c.showPage()
            y = height - 20 * mm
        c.setFont(font, size)
        c.drawString(20 * mm + indent, y, text)
        if value:
            c.drawRightString(width - 20 * mm, y, value)
        y -= size * 0.5 * mm + 3 * mm

    line(facts.title, size=16)
    line(facts.status, size=10)
    y -= 3 * mm
    for ledger in facts.ledgers:
        line(ledger.title, size=12)
        for label, value in ledger.lines:
            line(label, indent=6 * mm, value=value)
        y -= 2 * mm
    line(facts.totals_title, size=12)
    for label, value in facts.totals:
        line(label, indent=6 * mm, value=value)
    c.save()
    return buf.getvalue()
