"""Desk reports as workbooks (R-DESK-4): openpyxl in write-only mode (a report is a few dozen rows)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from .report_rows import report_sections, report_title


def report_xlsx(*, kind: str, data: dict) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(kind)
    ws.append([report_title(kind, data)])
    for heading, rows in report_sections(kind, data):
        ws.append([])
        ws.append([heading])
        for label, value in rows:
            ws.append([str(label), value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
