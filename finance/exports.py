"""File writers of the finance exports (R-FIN-1): every ledger's month as CSV (UTF-8 with a BOM so Excel on
Chinese Windows reads it; the ledger's COPY writer on PostgreSQL) or XLSX (XlsxWriter constant-memory, translated
headers), streamed row by row — a million rows never sit in memory."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable, Iterator

from servicedesk.extensions import MonthLedger

BOM = "\ufeff".encode()
Progress = Callable[[int], None]


class _Echo:
    def write(self, value):
        return value


def header_row(ledger: MonthLedger) -> list[str]:
    return [str(column.label) for column in ledger.columns]


def csv_chunks(*, ledger: MonthLedger, month: str, progress: Progress | None = None, every: int = 5000
               ) -> Iterator[bytes]:
    """The month's CSV: BOM, the translated column names, then the rows (first row the column names, as the
    contract says). `progress(rows_done)` is called every `every` rows or so."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield BOM + writer.writerow(header_row(ledger)).encode()
    done = 0
    fast = ledger.export_csv(month=month)
    if fast is not None:
        mark = every
        for chunk in fast:
            done += chunk.count(b"\n")
            if progress and done >= mark:
                progress(done)
                mark = done + every
            yield chunk
    else:
        buffer: list[str] = []
        for row in ledger.export_rows(month=month):
            buffer.append(writer.writerow(["" if v is None else v for v in row]))
            done += 1
            if len(buffer) >= 2000:
                yield "".join(buffer).encode()
                buffer.clear()
            if progress and done % every == 0:
                progress(done)
        if buffer:
            yield "".join(buffer).encode()
    if progress:
        progress(done)


def write_csv(fh, *, ledger: MonthLedger, month: str, progress: Progress | None = None, every: int = 5000) -> str:
    """Write the CSV into an open binary file; returns its sha256."""
    digest = hashlib.sha256()
    for chunk in csv_chunks(ledger=ledger, month=month, progress=progress, every=every):
        digest.update(chunk)
        fh.write(chunk)
    return digest.hexdigest()


def write_xlsx(fh, *, ledger: MonthLedger, month: str, progress: Progress | None = None, every: int = 5000) -> None:
    """Write the XLSX into an open binary file, row by row: XlsxWriter's constant-memory mode flushes each row
    as the next starts (a month stays flat in memory) and writes typed cells without building cell objects —
    about twice openpyxl write-only's speed, which only just matched the ≥ 2× django-import-export goal
    (benchmarks/finance_bench.py). Times are store-local with a date format; empty text is a blank cell."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(fh, {"constant_memory": True, "in_memory": False, "tmpdir": tempfile.gettempdir()})
    ws = wb.add_worksheet(month)
    at_format = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, header_row(ledger))
    write, write_datetime = ws.write, ws.write_datetime
    done = 0
    for done, row in enumerate(ledger.export_rows(month=month), start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.datetime):
                write_datetime(done, col, value, at_format)
            else:
                write(done, col, value)
        if progress and done % every == 0:
            progress(done)
    wb.close()
    if progress:
        progress(done)


def sha256_of(fh, *, block: int = 1024 * 1024) -> str:
    fh.seek(0)
    digest = hashlib.sha256()
    while piece := fh.read(block):
        digest.update(piece)
    fh.seek(0)
    return digest.hexdigest()


def stamp(now: dt.datetime) -> str:
    return f"{now:%Y%m%d%H%M%S}"
