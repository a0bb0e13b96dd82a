"""Benchmark: return quote latency (ms) and the approval queue page with 100,000 slips (ms, query count).

Run by hand against a database of its own (never the shared one):
    createdb -h 127.0.0.1 -U postgres bench_returns
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_returns .venv/bin/python benchmarks/returns_bench.py
    dropdb -h 127.0.0.1 -U postgres bench_returns
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("DEBUG", "1")  # plain static storage (no collectstatic manifest needed)
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
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from receipts.models import Receipt, ReceiptLine  # noqa: E402
from returns import services  # noqa: E402
from returns.models import ReturnLine, ReturnPolicy, ReturnRequest  # noqa: E402
from tests.factories.servicedesk import StaffUserFactory  # noqa: E402

N = int(os.environ.get("BENCH_SLIPS", "100000"))
RUNS = 15
STATUSES = ["awaiting_counter_check", "awaiting_approval", "awaiting_loss_prevention", "awaiting_refund", "refunded",
            "rejected"]


def user(role, name):
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username=name).first()
    return existing or StaffUserFactory(role=role, username=name)


def seed():
    call_command("migrate", verbosity=0)
    clerks = [user("clerk", f"bench_clerk{i}") for i in range(5)]
    have = ReturnRequest.objects.count()
    if have >= N:
        return
    random.seed(11)
    policy = ReturnPolicy.objects.order_by("effective_from").first()
    now = timezone.now()
    batch = 5000
    for start in range(have, N, batch):
        size = min(batch, N - start)
        receipts = Receipt.objects.bulk_create([
            Receipt(side="dept", number=f"BENCH-{start + i:07d}", rung_at=now - timedelta(days=random.randint(0, 20)),
                    business_date=timezone.localdate(), payment_method="cash", total=Decimal("200.00"))
            for i in range(size)])
        lines = ReceiptLine.objects.bulk_create([
            ReceiptLine(receipt=r, line_no=1, sku="B1", description="羊毛衫", counter="C-2F-07", category="clothing",
                        list_price=Decimal("200.00"), unit_price=Decimal("200.00"), quantity=1) for r in receipts])
        slips = []
        for i, r in enumerate(receipts):
            amount = Decimal(random.choice(["120.00", "280.00", "300.00", "450.00", "1280.00"]))
            slips.append(ReturnRequest(
                number=f"TH{start + i:012d}", receipt=r, policy=policy, reason="change_of_mind",
                status=random.choices(STATUSES, weights=[10, 25, 10, 10, 40, 5])[0],
                rules=["R-RET-5", "R-RET-8", "R-RET-11"], refund_amount=amount,
                approval_level="dept_supervisor" if amount <= 300 else "ops_manager", payment_method="cash",
                created_by=random.choice(clerks)))
        slips = ReturnRequest.objects.bulk_create(slips)
        ReturnLine.objects.bulk_create([
            ReturnLine(return_request=s, receipt_line=rl, quantity=1, paid_unit_price=Decimal("200.00"),
                       refund_unit_price=Decimal("200.00"), refund_amount=s.refund_amount, rules=["R-RET-5"])
            for s, rl in zip(slips, lines, strict=True)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(fn, runs=RUNS):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def main():
    seed()
    total = ReturnRequest.objects.count()
    waiting = ReturnRequest.objects.filter(status="awaiting_approval").count()
    print(f"slips={total} awaiting_approval={waiting}")
    clerk = user("clerk", "bench_clerk0")
    receipt = Receipt.objects.create(side="dept", number=f"BENCH-Q-{time.time_ns()}", rung_at=timezone.now(),
                                     business_date=timezone.localdate(), payment_method="wechat",
                                     total=Decimal("680.00"))
    ReceiptLine.objects.create(receipt=receipt, line_no=1, sku="Q1", description="大衣", counter="C-3F-01",
                               category="clothing", list_price=Decimal("680.00"), unit_price=Decimal("680.00"),
                               quantity=1)
    kwargs = dict(side="dept", number=receipt.number, lines=[{"line_no": 1, "quantity": 1}], reason="change_of_mind",
                  condition={"tags_intact": True, "unused": True})
    med, worst = timed(lambda: services.return_quote(**kwargs))
    with CaptureQueriesContext(connection) as q:
        services.return_quote(**kwargs)
    print(f"quote service: median {med:.1f} ms, max {worst:.1f} ms, {len(q)} queries")
    api = APIClient()
    api.force_authenticate(clerk)
    body = {"receipt": {"side": "dept", "number": receipt.number}, "lines": [{"line_no": 1, "quantity": 1}],
            "reason": "change_of_mind", "condition": {"tags_intact": True, "unused": True, "opened": False}}
    assert api.post("/api/v1/returns/quote/", body, format="json").status_code == 200
    med, worst = timed(lambda: api.post("/api/v1/returns/quote/", body, format="json"))
    print(f"POST /api/v1/returns/quote/: median {med:.1f} ms, max {worst:.1f} ms")

    for role, name in (("dept_supervisor", "bench_sup"), ("ops_manager", "bench_ops")):
        client = Client()
        client.force_login(user(role, name))
        for url in ("/returns/returnrequest/queue/", "/returns/returnrequest/queue/?p=200"):
            assert client.get(url).status_code == 200
            med, worst = timed(lambda url=url, client=client: client.get(url))
            with CaptureQueriesContext(connection) as q:
                client.get(url)
            print(f"{role} GET {url}: median {med:.1f} ms, max {worst:.1f} ms, {len(q)} queries")
    client = Client()
    client.force_login(user("ops_manager", "bench_ops"))
    for url in ("/returns/returnrequest/", "/returns/returnrequest/?status__exact=awaiting_refund",
                f"/returns/returnrequest/?q=TH{N // 2:012d}", "/"):
        assert client.get(url).status_code == 200
        med, worst = timed(lambda url=url: client.get(url))
        with CaptureQueriesContext(connection) as q:
            client.get(url)
        print(f"ops_manager GET {url}: median {med:.1f} ms, max {worst:.1f} ms, {len(q)} queries")


if __name__ == "__main__":
    main()
