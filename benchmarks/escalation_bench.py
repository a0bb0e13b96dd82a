"""Benchmark: one `escalate_overdue` run over 500 overdue tickets with two desk supervisors (1,000
notifications, the R-CMP-2 level-1 case) on PostgreSQL: milliseconds and queries, then the repeat run
(idempotent: nothing to do).

Everything is written inside one transaction that is rolled back at the end, so any scratch database of
your own will do:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_escalation .venv/bin/python benchmarks/escalation_bench.py
(BENCH_TICKETS=… for another size). E-mails are queued on commit, so the rolled-back run sends none.
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database of your own.")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints import services  # noqa: E402
from complaints.models import Complaint  # noqa: E402
from servicedesk.models import Notification  # noqa: E402
from tests.factories.servicedesk import StaffUserFactory  # noqa: E402

N = int(os.environ.get("BENCH_TICKETS", "500"))
RUNS = 5


def seed(now):
    # Only this benchmark's staff receive (inside the rolled-back transaction): the workload stays 500 tickets ×
    # 3 recipients whatever users other benchmarks left on a shared bench database.
    get_user_model().objects.update(is_active=False)
    clerk = StaffUserFactory(role="clerk", username="bench_esc_clerk")
    StaffUserFactory(role="desk_supervisor", username="bench_esc_sup1")
    StaffUserFactory(role="desk_supervisor", username="bench_esc_sup2")
    StaffUserFactory(role="ops_manager", username="bench_esc_gm")
    received = now - timedelta(hours=26)
    Complaint.objects.bulk_create([
        Complaint(number=f"TS-{timezone.localtime(received):%Y%m%d}-{9000 + i:05d}", channel="phone",
                  received_at=received, customer_name="顾客", phone=f"139{i:08d}", type="quality",
                  cause="商品质量问题，要求退换", recorded_by=clerk, route_by=now - timedelta(hours=2),
                  status="awaiting_routing")
        for i in range(N)
    ])
    with connection.cursor() as cur:
        cur.execute("ANALYZE complaints_complaint")


def run_once(now):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        escalated = services.complaint_escalate_overdue(now=now)
        ms = (time.perf_counter() - start) * 1000
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000  # the database's part (the reference)
    return ms, len(ctx.captured_queries), escalated, sql_ms


def main():
    call_command("migrate", verbosity=0)
    now = timezone.now()
    firsts, sqls = [], []
    for _ in range(RUNS):  # each run on fresh tickets, rolled back
        with transaction.atomic():
            seed(now)
            ms, queries, escalated, sql_ms = run_once(now)
            notes = Notification.objects.filter(key__startswith="cmp:").count()
            repeat_ms, repeat_queries, again, _sql = run_once(now)
            firsts.append(ms)
            sqls.append(sql_ms)
            transaction.set_rollback(True)
    print(f"tickets={N} escalated={escalated} notifications={notes}")
    print(f"escalate_overdue first run  median {statistics.median(firsts):7.1f} ms (min {min(firsts):.1f})  "
          f"{queries} queries")
    print(f"escalate_overdue repeat run        {repeat_ms:7.1f} ms  {repeat_queries} queries  escalated={again}")
    if os.environ.get("BENCH_JSON"):  # a row of `make bench`'s table (benchmarks/run_all.py)
        first = statistics.median(firsts)
        print("BENCH " + json.dumps({
            "workload": f"escalation scan, {N} overdue tickets, {notes:,} notifications",
            "product": f"{first:.0f} ms, {queries} queries (repeat: {repeat_ms:.0f} ms, nothing to do)",
            "reference": f"SQL time inside it: {statistics.median(sqls):.0f} ms",
            "ratio": f"{first / max(statistics.median(sqls), 0.001):.2f}×", "goal": "≤ 300 ms", "met": first <= 300},
            ensure_ascii=False))


if __name__ == "__main__":
    main()
