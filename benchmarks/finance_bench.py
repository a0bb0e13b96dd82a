"""Benchmark: finance (R-FIN-1) next to its anchors, measured in the same run (performance.md).

    createdb -h 127.0.0.1 -U postgres bench_finance
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_finance .venv/bin/python benchmarks/finance_bench.py
    dropdb -h 127.0.0.1 -U postgres bench_finance

Data (made once, in SQL): BENCH_ROWS points-ledger rows (default 1,000,000) dated in last month, and
BENCH_XLSX_ROWS (default 100,000) in the month before, over BENCH_ROWS / 10 cards whose balances equal
their ledger. Each measurement runs in a fresh process so its peak memory (whole process) is its own:

- CSV of last month: the finance export (BOM, translated header, COPY rows, sha256, into a file) vs a bare
  PostgreSQL `COPY (SELECT the same columns) TO STDOUT` (target ≤ 2× the bare COPY, < 100 MB);
- XLSX of the month before: the finance export (XlsxWriter constant-memory) vs django-import-export's
  `resource.export().xlsx` of the same rows (target ≥ 2× faster, < 100 MB);
- the month page of last month for a finance user (target ≤ 300 ms): the first view straight after an import of
  BENCH_IMPORT_ROWS (default 200,000) rows in one statement, then warm views; beside them the id-cursor scan of
  the unsettled ledger that the trigger-kept aggregates replace (finance/aggregates.py);
- trigger_cost: what that trigger adds to a one-row INSERT (rolled back; the books stay as they were).

Peak memory is printed twice: the whole process (ru_maxrss) and the export's own (its rise over the process's
RSS just before the export); the < 100 MB goals are read as the latter (README decisions).
BENCH_METHODS picks the steps (default: all).
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("SECRET_KEY", "bench-finance-" + "x" * 40 + "-a-secret-for-the-benchmark-only")  # DEBUG is off
if "bench" not in os.environ.get("DATABASE_URL", ""):
    sys.exit("Set DATABASE_URL to a bench_* database of its own.")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}, MEDIA_ROOT="/tmp/bench_finance_media").enable()

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
XLSX_ROWS = int(os.environ.get("BENCH_XLSX_ROWS", "100000"))


def months():
    from finance.rules import previous_month

    last = previous_month(timezone.localdate())
    return last, previous_month(last)


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The process's resident memory now (its baseline before an export; ru_maxrss is the peak so far)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    last, before = months()
    cards = max(ROWS // 10, 1)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM members_pointsentry")
        if cur.fetchone()[0] >= ROWS + XLSX_ROWS:
            return
        started = time.perf_counter()
        print(f"populating {cards:,} cards, {ROWS:,} + {XLSX_ROWS:,} ledger rows ...", flush=True)
        cur.execute("""
            INSERT INTO members_member (created_at, updated_at, name, phone, address, id_type, id_number, birthday)
            SELECT now(), now(), '会员' || g, '139' || lpad(g::text, 8, '0'), '北京市朝阳区建国路' || (g %% 500) || '号',
                   'passport', 'P' || lpad(g::text, 9, '0'), date '1960-01-01' + (g %% 15000)
            FROM generate_series(1, %s) g""", [cards])
        cur.execute("""
            INSERT INTO members_card (created_at, updated_at, card_number, member_id, tier, status, issued_at,
                                      qualification_kind, legacy_card_number, dept_points, market_points, stored_value)
            SELECT now(), now(), '86' || lpad(m.id::text, 11, '0'), m.id, 'gold', 'active', now(), 'daily_spend', '',
                   0, 0, 0 FROM members_member m ORDER BY m.id""")
        # entries: g = 1..N spread over the cards and over the month's seconds, in id order by time
        for month, count in ((before, XLSX_ROWS), (last, ROWS)):
            start = timezone.make_aware(timezone.datetime.combine(month, timezone.datetime.min.time()))
            cur.execute("""
                INSERT INTO members_pointsentry (card_id, wallet, kind, points, amount, balance_after, reference, reason,
                                                 meta, at)
                SELECT (SELECT min(id) FROM members_card) + (g %% %s), 'dept', 'earn', 1 + g %% 50, 0, 0,
                       'dept:D' || g, '', '{}'::jsonb, %s + make_interval(secs => g * (2400000.0 / %s))
                FROM generate_series(1, %s) g ORDER BY g""", [cards, start, count, count])
        cur.execute("""UPDATE members_card c SET dept_points = s.p FROM
                       (SELECT card_id, sum(points) p FROM members_pointsentry GROUP BY card_id) s WHERE s.card_id = c.id""")
        cur.execute("VACUUM ANALYZE members_card")
        cur.execute("VACUUM ANALYZE members_pointsentry")
        print(f"populated in {time.perf_counter() - started:.0f} s", flush=True)
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(username="bench_finance").exists():
        call_command("create_staff", "bench_finance", role="finance", password="bench-finance-2026", verbosity=0)


IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "200000"))


def big_import(rows: int) -> None:
    """A till import of `rows` earn entries into the current month in one statement (set-based SQL, as a
    bulk import writes), the cards' balances moved in the same transaction so the books still balance."""
    from django.db import transaction

    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT min(id), count(*) FROM members_card")
        first, cards = cur.fetchone()
        cur.execute("""
            INSERT INTO members_pointsentry (card_id, wallet, kind, points, amount, balance_after, reference, reason,
                                             meta, at)
            SELECT %s + (g %% %s), 'dept', 'earn', 1 + g %% 50, 0, 0, 'dept:I' || g, '', '{}'::jsonb,
                   %s + make_interval(secs => g * (86400.0 / %s))
            FROM generate_series(1, %s) g""", [first, cards, start, rows, rows])
        cur.execute("""UPDATE members_card c SET dept_points = c.dept_points + s.p FROM
                       (SELECT %s + (g %% %s) AS card_id, sum(1 + g %% 50) p FROM generate_series(1, %s) g GROUP BY 1) s
                       WHERE s.card_id = c.id""", [first, cards, rows])


def month_page(last) -> None:
    """The month page of last month (ROWS rows): the first view straight after a big import (nothing settled)
    and warm views; beside them, in the same run, what the page's aggregate read cost by the id cursor (the
    scan of everything written since the last settle that this replaces)."""
    from django.contrib.auth import get_user_model
    from django.db import connection as conn
    from django.test import Client

    from finance import aggregates, services
    from servicedesk.extensions import month_ledgers

    services.ledger_totals_settle_all(settle_after=timezone.timedelta(0))  # start from settled books
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_finance"))
    url = f"/finance/monthclose/month/?month={last:%Y-%m}"
    assert client.get(url).status_code == 200  # the server is up and has shown the page once before the import
    t0 = time.perf_counter()
    big_import(IMPORT_ROWS)
    imported = time.perf_counter() - t0
    timings: list[float] = []

    def timed(execute, sql, params, many, context):
        q0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - q0)

    with conn.execute_wrapper(timed):
        t0 = time.perf_counter()
        response = client.get(url)
        cold = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200 and f'<dd class="rows">{ROWS}</dd>' in response.content.decode()
    times = []
    for _i in range(7):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    assert response.status_code == 200
    points = month_ledgers.get("points")
    t0 = time.perf_counter()
    points.movements(after_id=0, upto_id=points.last_id())  # the id-cursor read with nothing settled
    scan = (time.perf_counter() - t0) * 1000
    print(f"{'month_page':26} rows={ROWS:>9,} after an import of {IMPORT_ROWS:,} rows ({imported:.1f} s, kept current: "
          f"{aggregates.kept_current('points')}): first view {cold:6.0f} ms ({len(timings)} queries, "
          f"{sum(timings) * 1000:.0f} ms of SQL, slowest {max(timings) * 1000:.0f} ms); "
          f"warm median {statistics.median(times):6.0f} ms (min {min(times):.0f}, max {max(times):.0f}); "
          f"reference: the id-cursor scan of the unsettled ledger {scan:6.0f} ms", flush=True)
    with open("/tmp/bench_finance_results.txt", "a") as fh:
        fh.write(f"month_page_first {cold / 1000:.3f} 0 0\nmonth_page_warm {statistics.median(times) / 1000:.3f} 0 0\n"
                 f"cursor_scan {scan / 1000:.3f} 0 0\n")


def trigger_cost(n: int = 2000) -> None:
    """What the aggregate trigger adds to one accrual-sized INSERT: n single-row inserts with the trigger and
    with it disabled, each in a transaction rolled back (the bench's books are left as they were)."""
    from django.db import transaction

    per = {}
    for enabled in (True, False, True, False):
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SELECT min(id) FROM members_card")
                card = cur.fetchone()[0]
                if not enabled:
                    cur.execute("ALTER TABLE members_pointsentry DISABLE TRIGGER finance_pointsentry_delta")
                t0 = time.perf_counter()
                for i in range(n):
                    cur.execute("""INSERT INTO members_pointsentry (card_id, wallet, kind, points, amount, balance_after,
                                   reference, reason, meta, at) VALUES (%s, 'dept', 'earn', 5, 0, 0, %s, '', '{}', now())""",
                                [card, f"dept:T{i}"])
                per.setdefault(enabled, []).append((time.perf_counter() - t0) / n * 1e6)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    on, off = min(per[True]), min(per[False])
    print(f"{'trigger_cost':26} one-row INSERT {on:6.0f} µs with the trigger, {off:6.0f} µs without "
          f"(+{on - off:.0f} µs per statement)", flush=True)


def run(method: str) -> None:
    from finance import exports
    from servicedesk.extensions import month_ledgers

    last, before = months()
    ledger = month_ledgers.get("points")
    at_start = rss_mb()  # the process after django.setup() and the imports above, before the export
    out_path = f"/tmp/bench_finance_{method}.out"
    rows = 0
    started = time.perf_counter()
    if method == "baseline":  # the process after django.setup(), before any export (the project's imports)
        pass
    elif method == "anchor_copy_csv":  # bare COPY of the same columns by psql (C all the way), straight to a file
        from servicedesk.periods import month_bounds

        start, end = month_bounds(last)
        sql = ("COPY (SELECT e.id, to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), c.card_number,"
               " e.wallet, e.kind, e.points, e.balance_after::bigint, NULLIF(e.reference, ''), u.username"
               " FROM members_pointsentry e JOIN members_card c ON c.id = e.card_id"
               " LEFT JOIN auth_user u ON u.id = e.by_id"
               f" WHERE e.at >= '{start.isoformat()}' AND e.at < '{end.isoformat()}' AND e.wallet IN ('dept', 'market')"
               " ORDER BY e.id) TO STDOUT WITH (FORMAT csv)")
        with open(out_path, "wb") as out:
            subprocess.run(["psql", os.environ["DATABASE_URL"], "-q", "-c", "SET work_mem = '128MB'", "-c", sql],
                           stdout=out, check=True)
        seconds = time.perf_counter() - started  # psql's own memory is not this process's
        with open(out_path, "rb") as out:
            rows = sum(block.count(b"\n") for block in iter(lambda: out.read(1 << 20), b""))
        print(f"{method:26} rows={rows:>9,} {seconds:8.2f} s  (psql)", flush=True)
        with open("/tmp/bench_finance_results.txt", "a") as fh:
            fh.write(f"{method} {seconds:.3f} 0 0\n")
        return
    elif method == "finance_csv":  # the export job's writer: BOM, header, COPY rows, progress, sha256
        with open(out_path, "wb") as out:
            exports.write_csv(out, ledger=ledger, month=f"{last:%Y-%m}", progress=lambda n: None)
            rows = ROWS
    elif method == "finance_xlsx":
        with open(out_path, "wb") as out:
            exports.write_xlsx(out, ledger=ledger, month=f"{before:%Y-%m}", progress=lambda n: None)
            rows = XLSX_ROWS
    elif method == "anchor_import_export_xlsx":
        from members.models import PointsEntry
        from members.resources import PointsEntryResource
        from servicedesk.periods import month_bounds

        start, end = month_bounds(before)
        qs = PointsEntry.objects.filter(at__gte=start, at__lt=end).select_related("card", "by").order_by("id")
        dataset = PointsEntryResource().export(queryset=qs)
        with open(out_path, "wb") as out:
            out.write(dataset.xlsx)
        rows = len(dataset)
    elif method == "month_page":
        month_page(last)
        return
    elif method == "trigger_cost":
        trigger_cost()
        return
    seconds = time.perf_counter() - started
    print(f"{method:26} rows={rows:>9,} {seconds:8.2f} s  peak {peak_mb():6.0f} MB (+{peak_mb() - at_start:.0f} MB over the"
          f" process before the export)", flush=True)
    with open("/tmp/bench_finance_results.txt", "a") as fh:
        fh.write(f"{method} {seconds:.3f} {peak_mb():.0f} {peak_mb() - at_start:.0f}\n")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(sys.argv[1])
        sys.exit(0)
    ensure_data()
    Path("/tmp/bench_finance_results.txt").unlink(missing_ok=True)
    print(f"load: {os.getloadavg()}", flush=True)
    methods = os.environ.get("BENCH_METHODS", "baseline anchor_copy_csv finance_csv anchor_copy_csv finance_csv "
                             "finance_xlsx anchor_import_export_xlsx month_page trigger_cost").split()
    for method in methods:
        subprocess.run([sys.executable, __file__, method], check=True)
    results: dict[str, list[tuple[float, float]]] = {}
    for line in Path("/tmp/bench_finance_results.txt").read_text().splitlines():
        name, sec, mb, extra = line.split()
        results.setdefault(name, []).append((float(sec), float(mb), float(extra)))
    best = {k: min(v) for k, v in results.items()}
    if "baseline" in best:
        print(f"process baseline after django.setup(): {best['baseline'][1]:.0f} MB (every peak below includes it)")
    if "finance_csv" in best and "anchor_copy_csv" in best:
        csv_, copy_ = best["finance_csv"], best["anchor_copy_csv"]
        print(f"CSV  {ROWS:,} rows: finance {csv_[0]:.2f} s / {csv_[1]:.0f} MB (+{csv_[2]:.0f}) vs bare COPY (psql)"
              f" {copy_[0]:.2f} s → {csv_[0] / copy_[0]:.2f}× (target ≤ 2×)")
    if "finance_xlsx" in best and "anchor_import_export_xlsx" in best:
        xlsx_, ie_ = best["finance_xlsx"], best["anchor_import_export_xlsx"]
        print(f"XLSX {XLSX_ROWS:,} rows: finance {xlsx_[0]:.2f} s / {xlsx_[1]:.0f} MB (+{xlsx_[2]:.0f}) vs import-export"
              f" {ie_[0]:.2f} s / {ie_[1]:.0f} MB (+{ie_[2]:.0f}) → {ie_[0] / xlsx_[0]:.2f}× faster (target ≥ 2×)")
    print("memory: whole-process peak RSS / (+ the export's own peak: the rise of the peak RSS over the process's"
          " before the export); the < 100 MB goal is read as the export's own peak (README decisions)")
    if "month_page_first" in best:
        print(f"month page of {ROWS:,} rows: first view after an import {best['month_page_first'][0] * 1000:.0f} ms,"
              f" warm {best['month_page_warm'][0] * 1000:.0f} ms (target ≤ 300 ms) vs the id-cursor scan it replaces"
              f" {best['cursor_scan'][0] * 1000:.0f} ms")
