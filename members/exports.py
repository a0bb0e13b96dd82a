"""Finance exports of a month's points ledger and stored-value ledger (performance.md): rows stream from
the database (COPY on PostgreSQL for CSV; `values_list().iterator()` elsewhere; openpyxl write_only for
XLSX), so a million rows stay flat in memory. `members.resources` keeps the import-export resource for
small admin exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator

from django.db import connection, transaction
from django.utils import timezone

from .choices import Wallet
from .models import PointsEntry

COLUMNS = ["id", "at", "card_number", "wallet", "kind", "points", "amount", "balance_after", "reference", "by"]
POINT_WALLETS = (Wallet.DEPT, Wallet.MARKET)
MONEY_WALLETS = (Wallet.STORED_VALUE,)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """'2026-11' → store-local [1 Nov 00:00, 1 Dec 00:00) as aware datetimes."""
    year, mon = (int(x) for x in month.split("-"))
    start = dt.datetime(year, mon, 1)
    end = dt.datetime(year + (mon == 12), 1 if mon == 12 else mon + 1, 1)
    return timezone.make_aware(start), timezone.make_aware(end)


def ledger_queryset(*, month: str, wallets: tuple[str, ...]):
    start, end = month_bounds(month)
    return (PointsEntry.objects.filter(at__gte=start, at__lt=end, wallet__in=wallets).order_by("id")
            .values_list("id", "at", "card__card_number", "wallet", "kind", "points", "amount", "balance_after",
                         "reference", "by__username"))


class _Echo:
    def write(self, value):
        return value


CHUNK_BYTES = 256 * 1024  # one write per 256 KB, not one per row (the database sends a row at a time)


def _batched(pieces: Iterator[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _copy_rows(qs) -> Iterator[bytes]:
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # Sort the month in memory rather than in temp files on disk (the setting ends with the transaction).
        cursor.execute("SET LOCAL work_mem = '128MB'")
        raw = cursor.cursor  # psycopg 3 cursor
        query = raw.mogrify(sql, params)
        with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                yield bytes(block)


def _writer_rows(qs) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    tz = timezone.get_current_timezone()  # once, not per row
    for row in qs.iterator(chunk_size=5000):
        yield writer.writerow(_plain(row, tz)).encode()


def ledger_csv_chunks(*, month: str, wallets: tuple[str, ...]) -> Iterator[bytes]:
    """CSV bytes of the month's ledger, streamed in 256 KB pieces: COPY on PostgreSQL, a server-side
    cursor elsewhere."""
    qs = ledger_queryset(month=month, wallets=wallets)
    yield (",".join(COLUMNS) + "\n").encode()
    rows = _copy_rows(qs) if connection.vendor == "postgresql" else _writer_rows(qs)
    yield from _batched(rows)


def _plain(row, tz):
    return [v.astimezone(tz).isoformat() if isinstance(v, dt.datetime) else ("" if v is None else v) for v in row]


def ledger_xlsx_file(*, month: str, wallets: tuple[str, ...]):
    """An XLSX of the month's ledger written row by row (openpyxl write_only); returns an open temp file."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ledger")
    ws.append(COLUMNS)
    tz = timezone.get_current_timezone()
    for row in ledger_queryset(month=month, wallets=wallets).iterator(chunk_size=5000):
        values = list(row)
        values[1] = values[1].astimezone(tz).replace(tzinfo=None)
        ws.append(values)
    tmp = tempfile.TemporaryFile()
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def ledger_csv_bytes(*, month: str, wallets: tuple[str, ...]) -> bytes:
    """For tests and small months."""
    buf = io.BytesIO()
    for chunk in ledger_csv_chunks(month=month, wallets=wallets):
        buf.write(chunk)
    return buf.getvalue()
