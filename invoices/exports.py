"""Finance exports of invoices (R-FIN-1, performance.md), the same shape as `members/exports.py`:

- the month's invoice register: one row per invoice written in the month (whatever became of it since:
  issued, void, lost) with its receipts, streamed as CSV in 256 KB pieces or written row by row into an
  XLSX (openpyxl write_only), so a month of any size stays flat in memory;
- the monthly report (R-INV-8) as an XLSX: the totals, each book, and every number listed.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterator

from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .models import Invoice, InvoiceReceipt
from .selectors import month_bounds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ["number", "book", "status", "issued_at", "amount", "buyer", "tax_id", "receipts", "issued_by",
           "voided_at", "void_reason", "stub_handed_at", "remarks"]
CHUNK = 5000
CHUNK_BYTES = 256 * 1024


def register_queryset(*, month: str):
    start, end = month_bounds(month)
    return (Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end).order_by("issued_at", "id")
            .values_list("id", "number", "book__code", "status", "issued_at", "amount", "buyer", "tax_id",
                         "issued_by__username", "voided_at", "void_reason", "stub_handed_at", "remarks"))


def _register_queryset_pg(*, month: str):
    from django.contrib.postgres.aggregates import StringAgg
    from django.db.models import OuterRef, Subquery, Value
    from django.db.models.functions import Concat

    receipts = (InvoiceReceipt.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice")
                .annotate(refs=StringAgg(Concat("receipt__side", Value(":"), "receipt__number"), " ", order_by="id"))
                .values("refs"))
    start, end = month_bounds(month)
    return (Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end).order_by("issued_at", "id")
            .annotate(refs=Subquery(receipts))
            .values_list("id", "number", "book__code", "status", "issued_at", "amount", "buyer", "tax_id",
                         "issued_by__username", "voided_at", "void_reason", "stub_handed_at", "remarks", "refs"))


def register_rows(*, month: str) -> Iterator[list]:
    """Rows of the register in COLUMNS order; receipts are fetched per 5,000 invoices (bounded queries)."""
    tz = timezone.get_current_timezone()

    def when(value):
        return value.astimezone(tz).isoformat() if value else ""

    batch: list[tuple] = []

    def flush():
        parts = defaultdict(list)
        for invoice_id, side, number in (InvoiceReceipt.objects.filter(invoice_id__in=[row[0] for row in batch])
                                         .order_by("id").values_list("invoice_id", "receipt__side", "receipt__number")):
            parts[invoice_id].append(f"{side}:{number}")
        for row in batch:
            (pk, number, book, status, issued_at, amount, buyer, tax_id, by, voided_at, reason, stub, remarks) = row
            yield [number, book, status, when(issued_at), f"{amount:.2f}", buyer, tax_id, " ".join(parts[pk]), by,
                   when(voided_at), reason, when(stub), remarks]

    if connection.vendor == "postgresql":
        # One pass: the receipts are aggregated per invoice by the database (an index lookup per row).
        for row in _register_queryset_pg(month=month).iterator(chunk_size=CHUNK):
            (_pk, number, book, status, issued_at, amount, buyer, tax_id, by, voided_at, reason, stub, remarks,
             receipts) = row
            yield [number, book, status, when(issued_at), f"{amount:.2f}", buyer, tax_id, receipts or "", by,
                   when(voided_at), reason, when(stub), remarks]
        return
    for row in register_queryset(month=month).iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


class _Echo:
    def write(self, value):
        return value


def register_csv_chunks(*, month: str) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    buffer = bytearray(writer.writerow(COLUMNS).encode())
    for row in register_rows(month=month):
        buffer += writer.writerow(row).encode()
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def register_csv_bytes(*, month: str) -> bytes:
    """For tests and small months."""
    return b"".join(register_csv_chunks(month=month))


def register_xlsx_file(*, month: str):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("invoices")
    ws.append(COLUMNS)
    for row in register_rows(month=month):
        ws.append(row)
    tmp = tempfile.TemporaryFile()
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def register_response(*, month: str, fmt: str):
    if fmt == "xlsx":
        return FileResponse(register_xlsx_file(month=month), as_attachment=True,
                            filename=f"invoices-register-{month}.xlsx", content_type=XLSX)
    response = StreamingHttpResponse(register_csv_chunks(month=month), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoices-register-{month}.csv"'
    return response


def monthly_report_xlsx(report) -> bytes:
    """R-INV-8 as a workbook: sheet "summary" (totals and books), sheet "numbers" (every run, void, loss)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("summary")
    ws.append(["month", report.month])
    ws.append(["", "count", "amount"])
    ws.append(["issued", report.issued_count, float(report.issued_amount)])
    ws.append(["voided", report.voided_count, float(report.voided_amount)])
    ws.append(["lost", report.lost_count, float(report.lost_amount)])
    ws.append(["net", "", float(report.net_amount)])
    ws.append([])
    ws.append(["book", "first_number", "last_number", "face_limit", "used", "remaining", "lost (all)",
               "issued in month", "issued amount", "voided in month", "voided amount", "lost in month"])
    for b in report.books:
        ws.append([b.code, b.first_number, b.last_number, float(b.face_limit), b.used, b.remaining, b.lost_total,
                   b.issued_count, float(b.issued_amount), b.voided_count, float(b.voided_amount), b.lost_count])
    numbers = wb.create_sheet("numbers")
    numbers.append(["book", "kind", "from", "to", "amount", "note"])
    for b in report.books:
        for first, last in b.issued_runs:
            numbers.append([b.code, "issued", first, last, "", ""])
        for number, amount, reason in b.voided:
            numbers.append([b.code, "void", number, number, float(amount), reason])
        for number, blank, amount in b.lost:
            numbers.append([b.code, "lost", number, number, float(amount), "blank" if blank else "issued"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
