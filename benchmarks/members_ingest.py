"""Benchmark: receipt ingestion through POST /api/v1/receipts/ (full stack: token auth, serializer, points,
ledger, upgrade check) with 1 and with 2 concurrent clients (processes) on PostgreSQL (receipts/s).
See members_common.py."""

import multiprocessing
import os
import sys
import time
import uuid

import members_common  # noqa: F401

PER_CLIENT = int(os.environ.get("BENCH_RECEIPTS", "600"))
CARDS = 200


def client_run(token: str, prefix: str, card_numbers: list[str], count: int, queue) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIClient

    connection.close()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    started = time.perf_counter()
    for i in range(count):
        body = {"side": "dept" if i % 3 else "market", "number": f"{prefix}-{i:06d}",
                "rung_at": timezone.localtime().isoformat(), "card_number": card_numbers[i % len(card_numbers)],
                "payment_method": "cash", "total": "1288.00",
                "lines": [{"line_no": 1, "sku": "4711", "description": "羊毛大衣", "counter": "C-2F-07", "category": "clothing",
                           "list_price": "1200.00", "unit_price": "1200.00", "quantity": 1},
                          {"line_no": 2, "sku": "4712", "description": "袜子", "counter": "C-2F-09", "category": "clothing",
                           "list_price": "110.00", "unit_price": "88.00", "quantity": 1}]}
        response = client.post("/api/v1/receipts/", body, format="json")
        if response.status_code != 201:
            print("unexpected", response.status_code, response.content[:200], file=sys.stderr)
    queue.put(time.perf_counter() - started)


def main():
    from rest_framework.authtoken.models import Token

    from members.models import Card
    from tests.factories.servicedesk import StaffUserFactory

    members_common.ensure_data()
    pos = StaffUserFactory(role="pos", username=f"benchpos_{uuid.uuid4().hex[:6]}")
    token = Token.objects.create(user=pos).key
    hot = list(Card.objects.filter(tier="gold").order_by("-id").values_list("card_number", flat=True)[:CARDS])
    from django.db import connection

    connection.close()
    ctx = multiprocessing.get_context("fork")
    for clients in (1, 2):
        queue = ctx.Queue()
        run = uuid.uuid4().hex[:6]
        started = time.perf_counter()
        procs = [ctx.Process(target=client_run, args=(token, f"B{run}{n}", hot, PER_CLIENT, queue)) for n in range(clients)]
        [p.start() for p in procs]
        [p.join() for p in procs]
        wall = time.perf_counter() - started
        total = PER_CLIENT * clients
        print(f"{clients} client(s): {total} receipts in {wall:.1f} s = {total / wall:.0f} receipts/s "
              f"(per client {[f'{PER_CLIENT / queue.get():.0f}/s' for _ in procs]})", flush=True)
    # one hot card hammered by both clients (row lock contention)
    queue = ctx.Queue()
    run = uuid.uuid4().hex[:6]
    started = time.perf_counter()
    procs = [ctx.Process(target=client_run, args=(token, f"H{run}{n}", hot[:1], PER_CLIENT // 2, queue)) for n in range(2)]
    [p.start() for p in procs]
    [p.join() for p in procs]
    wall = time.perf_counter() - started
    print(f"2 clients, one card: {PER_CLIENT} receipts in {wall:.1f} s = {PER_CLIENT / wall:.0f} receipts/s", flush=True)


if __name__ == "__main__":
    main()
