"""Benchmark: admin list pages on a million-row ledger (performance.md: default changelist 152 ms, with an
estimated count 77 ms; icontains search 588 ms, exact indexed search 34 ms; deep page ?p=5000 261 ms).
Prints the median ms and the query count of each page, as the desk supervisor sees it.

    createdb -h 127.0.0.1 -U postgres bench_admin
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_admin BENCH_CARDS=100000 BENCH_ENTRIES_PER_CARD=10 \\
        .venv/bin/python benchmarks/admin_lists.py
    dropdb -h 127.0.0.1 -U postgres bench_admin
"""

import statistics
import time

import members_common
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUNS = 7


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main():
    from members.models import Card, PointsEntry
    from tests.factories.servicedesk import StaffUserFactory

    members_common.ensure_data()
    rows = PointsEntry.objects.count()
    card = Card.objects.order_by("-id").values_list("card_number", flat=True).first()
    reference = PointsEntry.objects.order_by("id").values_list("reference", flat=True).first()
    client = Client()
    client.force_login(StaffUserFactory(role="desk_supervisor", username=f"bench{time.time_ns()}"))
    base = "/members/pointsentry/"
    pages = {
        "ledger list, first page": base,
        "ledger list, deep page ?p=10000 (offset 500,000)": base + "?p=10000",
        "ledger list, filtered wallet=dept": base + "?wallet__exact=dept",
        "ledger search, card number (exact, indexed)": base + f"?q={card}",
        "ledger search, reference (exact, indexed)": base + f"?q={reference}",
        "card list, first page": "/members/card/",
        "card search, card number": f"/members/card/?q={card}",
    }
    print(f"{rows:,} ledger rows, {Card.objects.count():,} cards")
    for label, url in pages.items():
        ms, queries = measure(client, url)
        print(f"{label:48} {ms:8.1f} ms  {queries:3d} queries", flush=True)


if __name__ == "__main__":
    main()
