"""Benchmark: building a day sheet with 20 promotions (ms) and `GET /api/v1/broadcast/queue/` under 10
concurrent pollers (requests/s), the booth's polling load (R-BC-2, R-BC-4).

Run by hand against a database of its own (never the shared one):
    createdb -h 127.0.0.1 -U postgres bench_broadcast
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_broadcast .venv/bin/python benchmarks/broadcast_bench.py
    dropdb -h 127.0.0.1 -U postgres bench_broadcast

The queue is served by gunicorn started by this script (BENCH_WORKERS sync workers, default 2 = the cores
of the benchmark machine) and polled over keep-alive HTTP by BENCH_POLLERS threads (default 10) for
BENCH_SECONDS (default 15).
"""

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("DEBUG", "1")  # plain static storage (no collectstatic manifest needed)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
if "bench" not in os.environ.get("DATABASE_URL", ""):
    sys.exit("Set DATABASE_URL to a bench_* database of its own.")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from broadcast import rules, selectors, services  # noqa: E402
from broadcast.models import Promotion, Script, UrgentInsert  # noqa: E402
from tests.factories.servicedesk import StaffUserFactory  # noqa: E402

PROMOTIONS = 20
RUNS = 50
POLLERS = int(os.environ.get("BENCH_POLLERS", "10"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def user(role, name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=name).first() or StaffUserFactory(role=role, username=name)


def seed(today):
    call_command("migrate", verbosity=0)
    announcer, supervisor, clerk = (user("announcer", "bench_announcer"), user("desk_supervisor", "bench_sup"),
                                    user("clerk", "bench_clerk"))
    tz = selectors.store_tz()
    if Promotion.objects.filter(starts_at__date=today).count() < PROMOTIONS:
        Promotion.objects.all().delete()
        for i in range(PROMOTIONS):
            script = Script.objects.create(title=f"促销 {i}", kind="promotion", text="全场 / **八折**", author=announcer,
                                           status="approved", reviewed_by=supervisor, reviewed_at=timezone.now())
            start = datetime.combine(today, datetime.min.time(), tzinfo=tz) + timedelta(hours=8, minutes=20 * i)
            services.promotion_create(title=script.title, script=script, starts_at=start,
                                      ends_at=start + timedelta(hours=4), every_minutes=5 + i % 6, user=supervisor)
    UrgentInsert.objects.all().delete()
    for kind in ("lost_property", "special", "lost_child", "lost_person", "emergency"):
        services.urgent_insert_raise(kind=kind, text="bench", user=clerk)
    return Token.objects.get_or_create(user=announcer)[0].key


def bench_sheet(today):
    timings = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        plan = selectors.day_sheet(day=today)
        timings.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as queries:
        selectors.day_sheet(day=today)
    # the pure function alone, from facts already loaded
    tz = selectors.store_tz()
    facts = [rules.PromotionFacts(p.pk, p.title, p.starts_at, p.ends_at, p.every_minutes, p.script_id)
             for p in selectors.promotions_on(day=today)]
    plan_facts = [rules.PlanItemFacts(i.at, i.title, i.anchor, None, i.pk) for i in plan.plan.items.all()]
    pure = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        sheet = rules.day_sheet_build(day=today, hours=plan.sheet.hours, reference=plan.plan.reference(),
                                      plan=plan_facts, promotions=facts, policy=plan.policy.facts(), tz=tz)
        pure.append((time.perf_counter() - t0) * 1000)
    slots = sum(1 for i in sheet.items if i.kind == "promotion")
    print(f"day sheet, {len(facts)} promotions, {slots} promotion slots, {len(sheet.items)} items:")
    print(f"  selectors.day_sheet (DB + rules): median {statistics.median(timings):.2f} ms, "
          f"p95 {sorted(timings)[int(RUNS * 0.95) - 1]:.2f} ms, {len(queries)} queries")
    print(f"  rules.day_sheet_build alone:      median {statistics.median(pure):.2f} ms")


def bench_queue(token):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "servicedesk.settings"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "servicedesk.wsgi:application", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", "--keep-alive", "30"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        latencies, errors, stop = [], [], time.monotonic() + SECONDS
        lock = threading.Lock()

        def poll():
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            mine, bad = [], 0
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                conn.request("GET", "/api/v1/broadcast/queue/", headers={"Authorization": f"Token {token}",
                                                                         "Connection": "keep-alive"})
                response = conn.getresponse()
                body = response.read()
                if response.status != 200 or b'"next"' not in body:
                    bad += 1
                mine.append((time.perf_counter() - t0) * 1000)
            with lock:
                latencies.extend(mine)
                errors.append(bad)

        threads = [threading.Thread(target=poll) for _ in range(POLLERS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        latencies.sort()
        print(f"queue endpoint, {POLLERS} concurrent pollers, gunicorn {WORKERS} sync workers, {elapsed:.1f} s:")
        print(f"  {len(latencies) / elapsed:.1f} requests/s, p50 {latencies[len(latencies) // 2]:.1f} ms, "
              f"p95 {latencies[int(len(latencies) * 0.95)]:.1f} ms, errors {sum(errors)}")
        print(f"  a booth polling every 3 s makes 0.33 requests/s: {len(latencies) / elapsed / 0.333:.0f} booths' worth")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    today = timezone.localdate()
    token = seed(today)
    with CaptureQueriesContext(connection) as q:
        from broadcast.api.views import queue_body

        queue_body(now=timezone.now())
    print(f"queue body: {len(q)} queries")
    bench_sheet(today)
    bench_queue(token)
