"""File writers of the finance exports (R-FIN-1): every ledger's month as CSV (UTF-8 with a BOM so Excel on
Chinese Windows reads it; the ledger's COPY writer on PostgreSQL) or XLSX (openpyxl write-only, translated
headers), streamed row by row — a million rows never sit in memory."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
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
    """Write the XLSX into an open binary file (seekable), row by row."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(month)
    ws.append(header_row(ledger))
    done = 0
    for row in ledger.export_rows(month=month):
        ws.append(row)
        done += 1
        if progress and done % every == 0:
            progress(done)
    wb.save(fh)
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
