"""R-INV-2 / R-INV-3 under concurrency (PostgreSQL, real row locks, threads): desks issuing from one book at
the same moment get consecutive numbers with no gap and no duplicate; one receipt invoiced from two tabs at
once gets one invoice; a loss reported while desks issue never hands out a lost number."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from invoices import services
from invoices.hooks import InvoiceNumbersCheck
from invoices.models import Invoice, InvoiceBook
from servicedesk.errors import DomainError
from tests.factories.invoices import InvoiceBookFactory
from tests.factories.servicedesk import StaffUserFactory
from tests.invoices.test_api import fresh_receipt

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    outcomes = []

    def wrap(fn):
        try:
            barrier.wait(timeout=10)
            outcomes.append(("ok", fn()))
        except DomainError as exc:
            outcomes.append((exc.code, exc.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in targets]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    return outcomes


@pytest.mark.parametrize("desks", [2, 4])
def test_r_inv_2_desks_issuing_from_one_book_get_consecutive_numbers(desks):
    InvoiceBookFactory(code="B-2026-001", first_number="04400001", count=50, face_limit=Decimal("10000.00"))
    clerks = [StaffUserFactory(role="clerk") for _ in range(desks)]
    receipts = [fresh_receipt("100.00") for _ in range(desks * 3)]

    def desk(n):
        def go():
            return [services.invoice_issue(receipts=[("dept", r.number)], buyer=f"desk {n}", user=clerks[n]).number
                    for r in receipts[n::desks]]
        return go

    outcomes = run_together([desk(n) for n in range(desks)])
    assert [o[0] for o in outcomes] == ["ok"] * desks
    numbers = sorted(n for _ok, got in outcomes for n in got)
    assert numbers == [f"{4400001 + i:08d}" for i in range(desks * 3)]  # no gap, no duplicate
    book = InvoiceBook.objects.get()
    assert (book.next_number, book.issued_count) == (f"{4400001 + desks * 3:08d}", desks * 3)
    assert InvoiceNumbersCheck().mismatches() == []


def test_r_inv_3_one_receipt_from_two_tabs_gets_one_invoice():
    InvoiceBookFactory(code="B-2026-001", first_number="04400001", count=50, face_limit=Decimal("10000.00"))
    clerk = StaffUserFactory(role="clerk")
    receipt = fresh_receipt("1200.00")

    def tab():
        return services.invoice_issue(receipts=[("dept", receipt.number)], buyer="张伟", user=clerk).number

    outcomes = run_together([tab, tab])
    assert sorted(outcomes, key=str) == sorted([("ok", "04400001"), ("R-INV-3", 409)], key=str)
    assert Invoice.objects.count() == 1
    assert InvoiceNumbersCheck().mismatches() == []


def test_r_inv_7_a_loss_reported_while_desks_issue_is_never_issued():
    InvoiceBookFactory(code="B-2026-001", first_number="04400001", count=50, face_limit=Decimal("10000.00"))
    clerk = StaffUserFactory(role="clerk")
    receipts = [fresh_receipt("100.00") for _ in range(6)]

    def desk():
        return [services.invoice_issue(receipts=[("dept", r.number)], buyer="x", user=clerk).number for r in receipts]

    def report():
        return services.invoice_loss_report(book="B-2026-001", numbers=["04400004", "04400005"], reason="遗失",
                                            user=clerk).numbers

    outcomes = run_together([desk, report])
    assert [o[0] for o in outcomes] == ["ok", "ok"]
    from invoices.models import LostNumber

    issued = list(Invoice.objects.order_by("value").values_list("number", flat=True))
    blank_lost = set(LostNumber.objects.filter(invoice__isnull=True).values_list("number", flat=True))
    assert len(issued) == 6 and len(set(issued)) == 6
    assert not blank_lost & set(issued)  # a lost blank number is never issued
    # whichever came first, the numbers run on with no gap: issued ∪ lost = 04400001…
    used = sorted(set(issued) | set(LostNumber.objects.values_list("number", flat=True)))
    assert used == [f"{4400001 + i:08d}" for i in range(len(used))]
    assert InvoiceNumbersCheck().mismatches() == []
