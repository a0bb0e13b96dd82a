"""Benchmark: the finance ledger export (members.exports) of one month = 1,000,000 ledger rows, next to
django-import-export's `resource.export()` on a 100,000-row sample (seconds, whole-process peak MB).
Each measurement runs in a fresh process so its peak memory is its own. See members_common.py."""

import os
import subprocess
import sys
import time

import members_common
from django.utils import timezone

SAMPLE = int(os.environ.get("BENCH_SAMPLE", "100000"))


def run(method: str) -> None:
    from members import exports
    from members.resources import PointsEntryResource

    month = timezone.localdate().strftime("%Y-%m")
    wallets = exports.POINT_WALLETS
    out = open(os.devnull, "wb")  # noqa: SIM115
    rows = 0
    at_start = members_common.peak_mb()  # the process with Django and every app loaded, before the export
    started = time.perf_counter()
    if method == "copy_csv_1m":  # the admin's CSV path on PostgreSQL
        for chunk in exports.ledger_csv_chunks(month=month, wallets=wallets):
            out.write(chunk)
            rows += chunk.count(b"\n")
        rows -= 1
    elif method == "iterator_csv_1m":  # the non-PostgreSQL path: values_list().iterator() + csv.writer
        import csv

        class W:
            def write(self, v):
                out.write(v.encode())

        w = csv.writer(W())
        for row in exports.ledger_queryset(month=month, wallets=wallets).iterator(chunk_size=5000):
            w.writerow(exports._plain(row))
            rows += 1
    elif method == "xlsx_stream_sample":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("ledger")
        for row in exports.ledger_queryset(month=month, wallets=wallets)[:SAMPLE].iterator(chunk_size=5000):
            values = list(row)
            values[1] = timezone.localtime(values[1]).replace(tzinfo=None)
            ws.append(values)
            rows += 1
        wb.save(out)
    elif method == "stream_csv_sample":
        for chunk in exports.ledger_csv_chunks(month=month, wallets=wallets):
            out.write(chunk)
            rows += chunk.count(b"\n")
            if rows > SAMPLE:
                break
    elif method in ("ie_csv_sample", "ie_xlsx_sample"):
        from members.models import PointsEntry

        ids = list(PointsEntry.objects.order_by("-id").values_list("id", flat=True)[:SAMPLE])
        qs = PointsEntry.objects.filter(id__in=ids).select_related("card", "by").order_by("id")
        dataset = PointsEntryResource().export(queryset=qs)
        out.write(dataset.csv.encode() if method == "ie_csv_sample" else dataset.xlsx)
        rows = len(dataset)
    peak = members_common.peak_mb()
    print(f"{method:20} rows={rows:>9,} {time.perf_counter() - started:8.1f} s  peak {peak:6.0f} MB whole process, "
          f"+{peak - at_start:.0f} MB the export's own (over the {at_start:.0f} MB before it)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(sys.argv[1])
    else:
        members_common.ensure_data()
        for method in ("copy_csv_1m", "iterator_csv_1m", "stream_csv_sample", "xlsx_stream_sample", "ie_csv_sample",
                       "ie_xlsx_sample"):
            subprocess.run([sys.executable, __file__, method], check=True)
