"""Benchmark: the points accrual transaction alone (lock the card row, update the balance, insert the
ledger line — members.services._ledger_move), the figure performance.md measures: 390/s with one
process, 880/s with two, 440/s with four on one card. Prints accruals per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_members BENCH_CARDS=100000 .venv/bin/python benchmarks/points_accrual.py
"""

import multiprocessing
import os
import time

import members_common

N = int(os.environ.get("BENCH_ACCRUALS", "2000"))


def worker(card_ids: list[int], count: int, queue) -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from members.services import _ledger_move

    connection.close()
    started = time.perf_counter()
    for i in range(count):
        with transaction.atomic():
            _ledger_move(card_id=card_ids[i % len(card_ids)], wallet="dept", kind="earn", delta=10,
                         refuse_code="R-PTS-6", reference=f"bench:{i}")
    queue.put(time.perf_counter() - started)


def run(processes: int, card_ids: list[int]) -> float:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(card_ids, N, queue)) for _ in range(processes)]
    [p.start() for p in procs]
    [p.join() for p in procs]
    slowest = max(queue.get() for _ in procs)  # each process times its own loop (Django start-up excluded)
    return processes * N / slowest


def main():
    from django.db import connection

    from members.models import Card

    members_common.ensure_data()
    cards = list(Card.objects.order_by("id").values_list("id", flat=True)[:1000])
    connection.close()
    print(f"1 process, many cards:   {run(1, cards):6.0f} accruals/s", flush=True)
    print(f"2 processes, many cards: {run(2, cards):6.0f} accruals/s", flush=True)
    print(f"4 processes, one card:   {run(4, cards[:1]):6.0f} accruals/s", flush=True)
    from members.selectors import ledgers_mismatched

    assert ledgers_mismatched() == [], "ledger no longer balances"


if __name__ == "__main__":
    main()
