"""The slip PDF (R-RET-12): three copies with receipt, lines, amounts, rules and every signature."""

import base64
import re
import zlib

import pytest

from returns import selectors, services
from returns.pdf import return_slip_pdf

pytestmark = pytest.mark.django_db


def page_text(pdf: bytes) -> str:
    """The text drawn on the pages (reportlab streams are ASCII85 + Flate). Literals drawn in the CID font
    (STSong-Light, UCS-2 encoding) are UTF-16BE; those in a Type 1 font (barcode captions) are Latin-1."""
    latin_fonts = set(re.findall(rb"/BaseFont /(?:Helvetica|Times|Courier|Symbol|ZapfDingbats)\S* [^\n]*?/Name /(F\d+)", pdf))
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = match.group(1).strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data, adobe=True)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            continue
        font = b""
        for token in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", data, re.S):
            if token.group(1):
                font = token.group(1)
                continue
            raw = _unescape(token.group(2))
            chunks.append(raw.decode("latin-1") if font in latin_fonts else raw.decode("utf-16-be", errors="replace"))
    return "\n".join(chunks)


ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        c = literal[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        nxt = literal[i + 1]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += ESCAPES.get(nxt, bytes([nxt]))
            i += 2
    return bytes(out)


def test_slip_pdf_three_copies_with_all_signatures(make_receipt, chain_users):
    receipt = make_receipt(lines=[("clothing", "268.00", 1)])
    rr = services.return_create(side="dept", number=receipt.number, lines=[{"line_no": 1, "quantity": 1}],
                                reason="change_of_mind", user=chain_users["clerk"])
    for step, role in (("counter_check", "counter_staff"), ("approve", "dept_supervisor"),
                       ("loss_prevention", "loss_prevention"), ("refund", "cashier")):
        services.return_sign(return_request=rr, step=step, user=chain_users[role])
    pdf = return_slip_pdf(selectors.return_detail(pk=rr.pk))
    text = page_text(pdf)
    assert b"/Count 3" in pdf
    for copy in ("收银联", "柜组联", "服务台联"):
        assert copy in text
    for user in chain_users.values():
        if user.username != chain_users["ops_manager"].username:
            assert text.splitlines().count(user.username) == 3, user.username
    assert text.count(rr.number) >= 3 and receipt.number in text and "268.00" in text
    assert "R-RET-5, R-RET-8, R-RET-11" in text


def test_slip_pdf_explains_in_the_readers_language(make_receipt, chain_users):
    """Issue 15: a slip filled in on the English site prints its 说明 in Chinese for a Chinese reader."""
    from django.utils import translation

    receipt = make_receipt(lines=[("clothing", "268.00", 1)])
    with translation.override("en"):
        rr = services.return_create(side="dept", number=receipt.number, lines=[{"line_no": 1, "quantity": 1}],
                                    reason="change_of_mind", user=chain_users["clerk"])
    with translation.override("zh-hans"):
        text = page_text(return_slip_pdf(selectors.return_detail(pk=rr.pk)))
    assert "无理由退货" in text and "Change of mind" not in text
