"""Printable paper of the members desk: the VIP application form (R-VIP-6) and the goods voucher (R-RBT-2).
Pure builders: plain values in, PDF bytes out."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, A6, landscape
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
class ApplicationFacts:
    card_number: str
    tier_label: str
    name: str
    phone_masked: str
    address: str
    id_type_label: str
    id_number_masked: str
    birthday: str
    qualification: str
    receipts: list[str]
    issued_at: str
    clerk: str


def application_form_pdf(facts: ApplicationFacts) -> bytes:
    """VIP 会员申请表: one A4 page, with signature lines for the member and the clerk."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    font = _font()
    width, height = A4
    c.setFont(font, 18)
    c.drawCentredString(width / 2, height - 25 * mm, "佳洁商场 VIP 会员申请表")
    c.setFont(font, 11)
    y = height - 45 * mm
    rows = [("卡号", facts.card_number), ("卡别", facts.tier_label), ("姓名", facts.name), ("手机", facts.phone_masked),
            ("通讯地址", facts.address), ("证件类型", facts.id_type_label), ("证件号码", facts.id_number_masked),
            ("生日", facts.birthday), ("办卡依据", facts.qualification), ("小票", "，".join(facts.receipts) or "—"),
            ("办卡时间", facts.issued_at), ("经办人", facts.clerk)]
    for label, value in rows:
        c.drawString(25 * mm, y, f"{label}：")
        c.drawString(55 * mm, y, str(value)[:70])
        c.line(55 * mm, y - 2 * mm, 185 * mm, y - 2 * mm)
        y -= 10 * mm
    y -= 10 * mm
    c.drawString(25 * mm, y, "本人确认以上资料真实，并同意商场会员章程。会员资料保密。")
    y -= 20 * mm
    c.drawString(25 * mm, y, "会员签名：________________")
    c.drawString(110 * mm, y, "经办人签名：________________")
    c.showPage()
    c.save()
    return buf.getvalue()


def voucher_pdf(*, serial: str, value: str, points: int, card_number: str, issued_at: str) -> bytes:
    """领物券 (R-RBT-2): serial-numbered, not cashable."""
    buf = io.BytesIO()
    size = landscape(A6)
    c = canvas.Canvas(buf, pagesize=size)
    font = _font()
    width, height = size
    c.setFont(font, 16)
    c.drawCentredString(width / 2, height - 15 * mm, "佳洁超市 领物券")
    c.setFont(font, 28)
    c.drawCentredString(width / 2, height / 2, f"￥{value}")
    c.setFont(font, 9)
    c.drawString(10 * mm, 22 * mm, f"编号：{serial}    积分：{points}    卡号：{card_number[-4:].rjust(len(card_number), '*')}")
    c.drawString(10 * mm, 15 * mm, f"兑换时间：{issued_at}    本券仅限超市购物使用，不找零，不兑现。")
    c.showPage()
    c.save()
    return buf.getvalue()
