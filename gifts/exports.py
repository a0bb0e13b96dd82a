"""Finance export of a month's gift stock ledger (R-FIN-1), in the same shape as the points ledger export
(members/exports.py): first row the column names, one row per ledger entry in id order, CSV streamed in
256 KB pieces (COPY on PostgreSQL, a server-side cursor elsewhere), XLSX written row by row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator

from django.db import connection, transaction
from django.utils import timezone

from members.exports import month_bounds

from .models import GiftStockEntry

COLUMNS = ["id", "at", "item_code", "item_name", "kind", "quantity", "unit_value", "balance_after", "reference", "by"]
CHUNK_BYTES = 256 * 1024


def ledger_queryset(*, month: str):
    start, end = month_bounds(month)
    return (GiftStockEntry.objects.filter(at__gte=start, at__lt=end).order_by("id")
            .values_list("id", "at", "item__code", "item__name", "kind", "quantity", "item__unit_value",
                         "balance_after", "reference", "by__username"))


class _Echo:
    def write(self, value):
        return value


def _batched(pieces: Iterator[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _plain(row, tz):
    return [v.astimezone(tz).isoformat() if isinstance(v, dt.datetime) else ("" if v is None else v) for v in row]


def _copy_rows(qs) -> Iterator[bytes]:
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        query = raw.mogrify(sql, params)
        with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                yield bytes(block)


def _writer_rows(qs) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    tz = timezone.get_current_timezone()
    for row in qs.iterator(chunk_size=5000):
        yield writer.writerow(_plain(row, tz)).encode()


def ledger_csv_chunks(*, month: str) -> Iterator[bytes]:
    qs = ledger_queryset(month=month)
    yield (",".join(COLUMNS) + "\n").encode()
    yield from _batched(_copy_rows(qs) if connection.vendor == "postgresql" else _writer_rows(qs))


def ledger_xlsx_file(*, month: str):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("gift stock ledger")
    ws.append(COLUMNS)
    tz = timezone.get_current_timezone()
    for row in ledger_queryset(month=month).iterator(chunk_size=5000):
        values = list(row)
        values[1] = values[1].astimezone(tz).replace(tzinfo=None)
        ws.append(values)
    tmp = tempfile.TemporaryFile()
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def ledger_csv_bytes(*, month: str) -> bytes:
    buf = io.BytesIO()
    for chunk in ledger_csv_chunks(month=month):
        buf.write(chunk)
    return buf.getvalue()
