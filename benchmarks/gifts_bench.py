"""Benchmark: concurrent gift issues on PostgreSQL (issues/s) and the campaign-qualification check of a
50-line receipt (ms). Printed, not a timed test.

- 20 threads (20 desks, one connection each) issue campaign gifts at once, each against its own receipts:
  (a) all on ONE item and ONE campaign (they queue on the campaign and item row locks);
  (b) each on its own item and campaign (no shared lock).
- the qualification check (lines + net-of-refunds facts + the rule) on a 50-line receipt, and the issue
  counter's scan (every open campaign of the side) with 5 open campaigns.

Run by hand against a database of its own:
    createdb -h 127.0.0.1 -U postgres bench_gifts
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_gifts .venv/bin/python benchmarks/gifts_bench.py
    dropdb -h 127.0.0.1 -U postgres bench_gifts
"""

import os
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if "bench" not in os.environ.get("DATABASE_URL", ""):
    sys.exit("Set DATABASE_URL to a bench_* database of its own.")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from gifts import selectors, services  # noqa: E402
from gifts.models import GiftCampaign, GiftIssue  # noqa: E402
from receipts.models import Receipt, ReceiptLine  # noqa: E402
from tests.factories.gifts import GiftCampaignFactory, GiftItemFactory  # noqa: E402
from tests.factories.servicedesk import StaffUserFactory  # noqa: E402

DESKS = 20
PER_DESK = int(os.environ.get("BENCH_PER_DESK", "25"))
RUN = str(int(time.time()))


def receipts(prefix: str, n: int, lines: int = 1) -> list[Receipt]:
    now = timezone.now()
    made = Receipt.objects.bulk_create([Receipt(side="dept", number=f"{prefix}-{RUN}-{i:05d}", rung_at=now,
                                                business_date=timezone.localdate(now), payment_method="cash",
                                                total=Decimal("600.00") * lines) for i in range(n)])
    ReceiptLine.objects.bulk_create([ReceiptLine(receipt=r, line_no=no, sku=f"S{no}", counter="C-2F-07",
                                                 category="clothing" if no % 2 else "cosmetics",
                                                 list_price=Decimal("600.00"), unit_price=Decimal("600.00"), quantity=1)
                                     for r in made for no in range(1, lines + 1)])
    return made


def stocked_item(code: str, quantity: int, user):
    item = GiftItemFactory(code=code)
    from django.db import transaction

    with transaction.atomic():
        services.gift_delivery_receive(item=code, quantity=quantity, note_number=f"PS-{code}", delivered_by="bench",
                                       user=user)
    return item


def race(label: str, tag: str, campaigns: list[GiftCampaign], clerks) -> None:
    work = [receipts(f"B{tag}{d}", PER_DESK) for d in range(DESKS)]
    barrier = threading.Barrier(DESKS)
    errors: list[str] = []

    def desk(d: int):
        try:
            barrier.wait()
            for r in work[d]:
                services.gift_issue_for_receipt(campaign=campaigns[d % len(campaigns)].code, side="dept",
                                                number=r.number, user=clerks[d])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(d,)) for d in range(DESKS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    total = DESKS * PER_DESK
    print(f"{label}: {total} issues by {DESKS} concurrent desks in {seconds:.2f} s = {total / seconds:.0f} issues/s"
          f"{' ERRORS ' + str(errors[:3]) if errors else ''}")


def main():
    call_command("migrate", verbosity=0)
    supervisor = StaffUserFactory(role="desk_supervisor", username=f"bench_sup_{RUN}")
    clerks = [StaffUserFactory(role="clerk", username=f"bench_clerk_{RUN}_{d}") for d in range(DESKS)]
    one = stocked_item(f"G-ONE-{RUN}", DESKS * PER_DESK, supervisor)
    race("one item, one campaign", "O", [GiftCampaignFactory(code=f"C-ONE-{RUN}", gift_item=one)], clerks)
    campaigns = [GiftCampaignFactory(code=f"C-MANY-{RUN}-{d}", gift_item=stocked_item(f"G-MANY-{RUN}-{d}", PER_DESK,
                                                                                     supervisor))
                 for d in range(DESKS)]
    race("different items", "M", campaigns, clerks)
    assert selectors.stock_mismatched() == []
    print(f"issues in the database: {GiftIssue.objects.count()}, ledger check clean")

    [big] = receipts("B50", 1, lines=50)
    big = Receipt.objects.get(pk=big.pk)
    campaign = GiftCampaign.objects.get(code=f"C-ONE-{RUN}")
    for _ in range(5):
        GiftCampaignFactory(gift_item=one)
    timings, scans = [], []
    for _ in range(200):
        t = time.perf_counter()
        q = selectors.receipt_qualification(receipt=big, campaign=campaign)
        timings.append((time.perf_counter() - t) * 1000)
    for _ in range(50):
        t = time.perf_counter()
        selectors.receipt_campaigns(receipt=big)
        scans.append((time.perf_counter() - t) * 1000)
    print(f"qualification of a 50-line receipt: median {statistics.median(timings):.2f} ms, "
          f"p95 {sorted(timings)[int(len(timings) * 0.95)]:.2f} ms (spend {q.spend}, qualifies {q.qualifies})")
    print(f"counter scan of a 50-line receipt, {GiftCampaign.objects.filter(status='open').count()} open campaigns: "
          f"median {statistics.median(scans):.2f} ms")


if __name__ == "__main__":
    main()
