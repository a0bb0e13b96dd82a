"""Finance exports of a month's points ledger and stored-value ledger (performance.md): rows stream from
the database (COPY on PostgreSQL for CSV; `values_list().iterator()` elsewhere; XlsxWriter's
constant-memory mode for XLSX), so a million rows stay flat in memory. `members.resources` keeps the
import-export resource for small admin exports."""

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


def ledger_xlsx_file(*, month: str, wallets: tuple[str, ...], limit: int | None = None):
    """An XLSX of the month's ledger streamed row by row to a temp file and returned open (XlsxWriter's
    constant-memory mode: each row is flushed as soon as the next starts, so a month stays flat in memory;
    typed writes per column, no cell objects as openpyxl builds; `make bench` compares it with import-export)."""
    import xlsxwriter

    tmp = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(tmp, {"constant_memory": True, "in_memory": False, "tmpdir": tempfile.gettempdir()})
    sheet = workbook.add_worksheet("ledger")
    at_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, COLUMNS)
    tz = timezone.get_current_timezone()
    number, text, at = sheet.write_number, sheet.write_string, sheet.write_datetime
    r = 0
    qs = ledger_queryset(month=month, wallets=wallets)
    for pk, when, card_number, wallet, kind, points, amount, balance_after, reference, by in (
            (qs[:limit] if limit else qs).iterator(chunk_size=5000)):
        r += 1
        number(r, 0, pk)
        at(r, 1, when.astimezone(tz).replace(tzinfo=None), at_format)
        text(r, 2, card_number)
        text(r, 3, wallet)
        text(r, 4, kind)
        number(r, 5, points)
        number(r, 6, amount)
        number(r, 7, balance_after)
        if reference:
            text(r, 8, reference)
        if by:
            text(r, 9, by)
    workbook.close()
    tmp.seek(0)
    return tmp


def ledger_csv_bytes(*, month: str, wallets: tuple[str, ...]) -> bytes:
    """For tests and small months."""
    buf = io.BytesIO()
    for chunk in ledger_csv_chunks(month=month, wallets=wallets):
        buf.write(chunk)
    return buf.getvalue()
