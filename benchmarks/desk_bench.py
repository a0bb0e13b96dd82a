"""Benchmark: the desk counter's small jobs on PostgreSQL — directory search at 5,000 brands (ms), lost-property
intake with the PA insert (per second, 1 and 2 desks), umbrella lend + return (per second), the counter page
(ms, query count) with 2,000 loans out.

Run by hand against a database of its own (never the shared one):
    createdb -h 127.0.0.1 -U postgres bench_desk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_desk .venv/bin/python benchmarks/desk_bench.py
    dropdb -h 127.0.0.1 -U postgres bench_desk
"""

import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if "bench" not in os.environ.get("DATABASE_URL", ""):
    sys.exit("Set DATABASE_URL to a bench_* database of its own.")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from desk import rules, selectors, services  # noqa: E402
from desk.models import Brand, UmbrellaLoan  # noqa: E402
from tests.factories.servicedesk import StaffUserFactory  # noqa: E402

BRANDS = 5000
SYLLABLES = "雅诗兰黛周大福耐克李宁海澜之家百丽好孩子安踏森马太平鸟波司登美特斯邦威七匹狼卡宾"


def user(role, name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=name).first() or StaffUserFactory(role=role, username=name)


def ms(fn, runs=30):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    call_command("migrate", verbosity=0)
    clerk, sup = user("clerk", "bench_clerk"), user("desk_supervisor", "bench_sup")
    if Brand.objects.count() < BRANDS:
        rows = []
        for i in range(BRANDS):
            name = "".join(SYLLABLES[(i * 7 + k * 3) % len(SYLLABLES)] for k in range(2 + i % 3)) + f"{i}"
            rows.append(Brand(brand=name, initials=rules.brand_initials(name), floor=f"{1 + i % 6}F",
                              counter=f"C-{1 + i % 6}F-{i:04d}", category="综合"))
        Brand.objects.bulk_create(rows, ignore_conflicts=True)
    for q in ("兰黛", "ysl", "C-3F-01", "4F"):
        print(f"directory search q={q!r} at {Brand.objects.count()} brands: "
              f"{ms(lambda q=q: list(selectors.brands_search(q=q)[:50])):.1f} ms median")

    def intake(n):
        for i in range(n):
            services.lost_property_register(user=clerk, kind="lost_child" if i % 2 else "found_item",
                                            description=f"bench {i}", found_where="一楼")
        connection.close()

    for desks in (1, 2):
        n = 200
        t = time.perf_counter()
        threads = [threading.Thread(target=intake, args=(n,)) for _ in range(desks)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        print(f"lost-property intake with PA insert, {desks} desk(s): {desks * n / (time.perf_counter() - t):.0f}/s")

    t = time.perf_counter()
    for i in range(300):
        loan = services.umbrella_lend(user=clerk, umbrella=f"BENCH-{i}", customer_name="甲", phone="1")
        services.umbrella_return(loan=loan, user=clerk)
    print(f"umbrella lend + return: {300 / (time.perf_counter() - t):.0f}/s")
    out = UmbrellaLoan.objects.filter(status="out").count()
    for i in range(out, 2000):
        services.umbrella_lend(user=clerk, umbrella=f"OUT-{i}", customer_name="乙", phone="2")
    client = Client()
    client.force_login(clerk)
    client.get("/desk/enquiry/counter/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/desk/enquiry/counter/")
    print(f"counter page with {UmbrellaLoan.objects.filter(status='out').count()} umbrellas out: "
          f"{ms(lambda: client.get('/desk/enquiry/counter/'), runs=15):.1f} ms median, {len(ctx.captured_queries)} queries")
    client.force_login(sup)
    print(f"weekly report page: {ms(lambda: client.get('/desk/deskreport/weekly/2026-W48/'), runs=15):.1f} ms median")


if __name__ == "__main__":
    main()
