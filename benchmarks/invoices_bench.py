"""Benchmark: invoice issue with 2 and 4 concurrent issuers on one book (invoices/s, and the numbers they
got: consecutive, no gap, no duplicate), and the monthly report (R-INV-8) over 100,000 invoices (s, peak MB)
as JSON, PDF and XLSX, plus the month's register CSV.

Run by hand against a database of its own (never the shared one):
    createdb -h 127.0.0.1 -U postgres bench_invoices
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_invoices .venv/bin/python benchmarks/invoices_bench.py
    dropdb -h 127.0.0.1 -U postgres bench_invoices
BENCH_INVOICES (default 100000) and BENCH_ISSUES (invoices per issuer, default 150) change the sizes;
BENCH_PARTS=issue or BENCH_PARTS=report runs one half (1, 2 and 4 issuers; the month's report).
"""

import multiprocessing
import os
import resource
import sys
import time
import tracemalloc
from datetime import timedelta
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
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from invoices import exports, selectors, services  # noqa: E402
from invoices.hooks import InvoiceNumbersCheck  # noqa: E402
from invoices.models import Invoice, InvoiceBook, InvoiceReceipt  # noqa: E402
from invoices.pdf import monthly_report_pdf  # noqa: E402
from receipts.models import Receipt, ReceiptLine  # noqa: E402
from tests.factories.servicedesk import StaffUserFactory  # noqa: E402

N = int(os.environ.get("BENCH_INVOICES", "100000"))
ISSUES = int(os.environ.get("BENCH_ISSUES", "150"))
PARTS = os.environ.get("BENCH_PARTS", "issue,report").split(",")


def user(role, name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=name).first() or StaffUserFactory(role=role, username=name)


def receipts(prefix: str, count: int, at) -> list[str]:
    have = set(Receipt.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    rows = [Receipt(side="dept", number=f"{prefix}{i:07d}", rung_at=at, business_date=timezone.localdate(at),
                    payment_method="cash", total=Decimal("100.00")) for i in range(count) if f"{prefix}{i:07d}" not in have]
    for start in range(0, len(rows), 5000):
        made = Receipt.objects.bulk_create(rows[start:start + 5000])
        ReceiptLine.objects.bulk_create([ReceiptLine(receipt=r, line_no=1, sku="B1", description="羊毛衫", counter="C-2F-07",
                                                     category="clothing", list_price=Decimal("100.00"),
                                                     unit_price=Decimal("100.00"), quantity=1) for r in made])
    return [f"{prefix}{i:07d}" for i in range(count)]


def issuer(args):
    code, numbers, username = args
    connections.close_all()
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.get(username=username)
    got = []
    for number in numbers:
        got.append(services.invoice_issue(receipts=[("dept", number)], buyer="北京华联商贸有限公司", user=clerk,
                                          book=code).number)
    connections.close_all()
    return got


def concurrent(issuers: int) -> None:
    code = f"B-BENCH-C{issuers}-{int(time.time())}"
    first = 10_000_001 + (InvoiceBook.objects.filter(code__startswith="B-BENCH-C").count() + 1) * 100_000
    if not InvoiceBook.objects.filter(code=code).exists():
        services_user = user("finance", "bench_finance")
        from django.db import transaction

        with transaction.atomic():
            services.invoice_book_receive(code=code, first_number=f"{first:08d}", count=100_000,
                                          face_limit=Decimal("10000.00"), user=services_user)
    now = timezone.now()
    numbers = receipts(f"BC{issuers}-{int(time.time())}-", issuers * ISSUES, now - timedelta(minutes=1))
    clerks = [user("clerk", f"bench_clerk{i}").username for i in range(issuers)]
    work = [(code, numbers[i::issuers], clerks[i]) for i in range(issuers)]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(issuers) as pool:
        start = time.perf_counter()
        results = pool.map(issuer, work)
        elapsed = time.perf_counter() - start
    got = sorted(int(n) for r in results for n in r)
    consecutive = got == list(range(got[0], got[0] + len(got)))
    print(f"{issuers} issuers on one book: {len(got)} invoices in {elapsed:.2f} s = {len(got) / elapsed:.0f} invoices/s; "
          f"consecutive, no gap, no duplicate: {consecutive}")


def seed_month(month_start) -> None:
    """N invoices written in one month, 5,000 in each book of 5,100 numbers, 1% voided, 20 blank numbers lost."""
    if Invoice.objects.filter(book__code__startswith="B-BENCH-M").count() >= N:
        return
    finance, clerk = user("finance", "bench_finance"), user("clerk", "bench_clerk0")
    per_book = 5000
    nums = receipts("BM-", N, month_start + timedelta(hours=10))
    ids = dict(Receipt.objects.filter(number__startswith="BM-").values_list("number", "pk"))
    for b in range((N + per_book - 1) // per_book):
        code = f"B-BENCH-M{b:03d}"
        if InvoiceBook.objects.filter(code=code).exists():
            continue
        from django.db import transaction

        with transaction.atomic():
            book = services.invoice_book_receive(code=code, first_number=f"{50_000_001 + b * 10_000:08d}",
                                                 count=per_book + 100, face_limit=Decimal("10000.00"), user=finance)
        size = min(per_book, N - b * per_book)
        invoices = []
        for i in range(size):
            at = month_start + timedelta(minutes=(b * per_book + i) % (27 * 24 * 60))
            void = i % 100 == 7
            invoices.append(Invoice(
                book=book, number=book.text(book.first_value + i), value=book.first_value + i, amount=Decimal("100.00"),
                buyer=f"买方{i % 500}", issued_by=clerk, issued_at=at, status="void" if void else "issued",
                voided_by=clerk if void else None, voided_at=at + timedelta(hours=1) if void else None,
                void_reason="抬头写错" if void else "", remarks=""))
        made = Invoice.objects.bulk_create(invoices, batch_size=5000)
        InvoiceReceipt.objects.bulk_create([InvoiceReceipt(invoice=inv, receipt_id=ids[nums[b * per_book + i]],
                                                           amount=inv.amount) for i, inv in enumerate(made)],
                                           batch_size=5000)
        voided = sum(1 for inv in made if inv.status == "void")
        InvoiceBook.objects.filter(pk=book.pk).update(issued_count=size - voided, voided_count=voided,
                                                      next_value=book.first_value + size,
                                                      status="open")
    last = InvoiceBook.objects.filter(code__startswith="B-BENCH-M", status="open").order_by("first_value").last()
    if last is not None and last.remaining >= 20:
        services.invoice_loss_report(book=last.code, numbers=[last.text(last.last_value - i) for i in range(20)],
                                     reason="bench", user=clerk, now=month_start + timedelta(days=5))


def measure(label, fn):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: {elapsed:.2f} s, peak {peak / 1e6:.1f} MB (Python allocations)")
    return result


def main():
    call_command("migrate", verbosity=0)
    if "issue" in PARTS:
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for n in (1, 2, 4):
            concurrent(n)
    if "report" not in PARTS:
        return
    local = timezone.localtime()
    month_start = (local.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)).replace(day=1)
    month = f"{month_start:%Y-%m}"
    seed_month(month_start)
    count = Invoice.objects.filter(issued_at__gte=month_start, issued_at__lt=local.replace(day=1, hour=0, minute=0)).count()
    print(f"month {month}: {count} invoices")
    connection.cursor().execute("ANALYZE")
    report = measure("monthly report (selector)", lambda: selectors.monthly_report(month=month))
    print(f"  issued {report.issued_count} / {report.issued_amount}, voided {report.voided_count}, lost {report.lost_count}, "
          f"{len(report.books)} books")
    pdf = measure("monthly report PDF", lambda: monthly_report_pdf(selectors.monthly_report(month=month)))
    xlsx = measure("monthly report XLSX", lambda: exports.monthly_report_xlsx(selectors.monthly_report(month=month)))
    size = measure("register CSV (streamed)", lambda: sum(len(c) for c in exports.register_csv_chunks(month=month)))
    print(f"  PDF {len(pdf) / 1e3:.0f} KB, XLSX {len(xlsx) / 1e3:.0f} KB, register CSV {size / 1e6:.1f} MB")
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
    check = measure("number-accounting check", lambda: InvoiceNumbersCheck().mismatches())
    print(f"  mismatches: {check[:3]}")


if __name__ == "__main__":
    main()
