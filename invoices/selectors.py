"""Reads of the invoices app: the policy in force, what is left to invoice of receipts, the numbers on
receipts, queues for the dashboard, the monthly report (R-INV-8) and the number accounting (R-INV-1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import RuleViolation
from servicedesk.extensions import facts_for_receipts

from . import rules
from .choices import BookStatus, InvoiceStatus, LossStatus
from .models import Invoice, InvoiceBook, InvoiceLoss, InvoicePolicy, InvoiceReceipt, LostNumber

ZERO = Decimal("0.00")
COUNTED = (InvoiceStatus.ISSUED, InvoiceStatus.LOST)  # cover their receipts; a void one frees its amount (R-INV-5)


def invoice_policy_in_force(*, on: dt.date) -> InvoicePolicy:
    policy = InvoicePolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if policy is None:
        raise RuleViolation(_("No invoice policy is in force on %(day)s.") % {"day": on}, code="no_policy")
    return policy


def users_with_perm(perm: str):
    """Active users who hold `app_label.codename` through a group or directly, or are superusers.
    (A private query by permission: servicedesk has no shared `users_with_perm` selector on this branch.)"""
    app_label, codename = perm.split(".", 1)
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    users = get_user_model().objects.filter(is_active=True)
    if permission is None:
        return users.filter(is_superuser=True)
    return users.filter(Q(is_superuser=True) | Q(groups__permissions=permission)
                        | Q(user_permissions=permission)).distinct().order_by("pk")


def invoiced_amounts(*, receipt_ids: list[int]) -> dict[int, Decimal]:
    """Per receipt, what its non-void invoices cover."""
    rows = (InvoiceReceipt.objects.filter(receipt_id__in=receipt_ids, invoice__status__in=COUNTED)
            .values("receipt_id").annotate(total=Sum("amount")).order_by())
    found = {row["receipt_id"]: row["total"] or ZERO for row in rows}
    return {pk: found.get(pk, ZERO) for pk in receipt_ids}


def refunded_amounts(*, facts: dict[int, dict]) -> dict[int, Decimal]:
    """A receipt's refunded total from the receipt facts (returns publishes `refunded`); missing → 0.00."""
    return {pk: Decimal(str(values.get("refunded") or "0.00")) for pk, values in facts.items()}


@dataclass(frozen=True)
class ReceiptLeft:
    receipt: object
    total: Decimal
    refunded: Decimal
    invoiced: Decimal
    left: Decimal


def receipts_left(*, receipts: list, facts: dict[int, dict] | None = None) -> list[ReceiptLeft]:
    """R-INV-3: for each receipt (in the order given), its total, refunds, invoiced and what is left."""
    facts = facts if facts is not None else facts_for_receipts(receipts)
    refunded = refunded_amounts(facts=facts)
    invoiced = invoiced_amounts(receipt_ids=[r.pk for r in receipts])
    return [ReceiptLeft(r, r.total, refunded.get(r.pk, ZERO), invoiced[r.pk],
                        rules.left_to_invoice(total=r.total, refunded=refunded.get(r.pk, ZERO), invoiced=invoiced[r.pk]))
            for r in receipts]


def invoice_numbers_for_receipts(*, receipt_ids: list[int]) -> dict[int, list[str]]:
    """R-INV-3: the non-void invoice numbers written back onto each receipt (one query)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = (InvoiceReceipt.objects.filter(receipt_id__in=receipt_ids, invoice__status__in=COUNTED)
            .order_by("invoice__issued_at", "invoice_id").values_list("receipt_id", "invoice__number"))
    for receipt_id, number in rows:
        found[receipt_id].append(number)
    return found


def gifts_and_vouchers(*, facts: dict[int, dict]) -> tuple[list[dict], list[dict]]:
    """Every `gifts` and `vouchers` value the receipt facts carry for these receipts (R-INV-3, R-GIFT-4)."""
    gifts, vouchers = [], []
    for values in facts.values():
        gifts.extend(values.get("gifts") or [])
        vouchers.extend(values.get("vouchers") or [])
    return gifts, vouchers


def book_default() -> InvoiceBook | None:
    """R-INV-2: the open book with the lowest first number."""
    return InvoiceBook.objects.filter(status=BookStatus.OPEN).order_by("first_value", "pk").first()


def books_running_low(*, policy: InvoicePolicy) -> list[InvoiceBook]:
    open_books = InvoiceBook.objects.filter(status=BookStatus.OPEN).order_by("first_value")
    return [b for b in open_books if b.remaining <= policy.low_remaining]


def open_books_remaining() -> int:
    row = InvoiceBook.objects.filter(status=BookStatus.OPEN).aggregate(
        n=Sum("count"), issued=Sum("issued_count"), voided=Sum("voided_count"), lost=Sum("lost_count"))
    return (row["n"] or 0) - (row["issued"] or 0) - (row["voided"] or 0) - (row["lost"] or 0)


def losses_open():
    return InvoiceLoss.objects.filter(status__in=[LossStatus.AWAITING_SIGNATURE, LossStatus.AWAITING_NOTICE])


def losses_overdue(*, today: dt.date):
    """R-INV-7: losses past their notice deadline without a published notice."""
    return losses_open().filter(notice_due__lt=today)


# ---------------------------------------------------------------- monthly report (R-INV-8)

def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """'2026-11' → store-local [1 Nov 00:00, 1 Dec 00:00) as aware datetimes."""
    year, mon = rules.parse_month(month) or (0, 0)
    if not year:
        raise ValueError(month)
    start = dt.datetime(year, mon, 1)
    end = dt.datetime(year + (mon == 12), 1 if mon == 12 else mon + 1, 1)
    return timezone.make_aware(start), timezone.make_aware(end)


@dataclass
class BookReport:
    code: str
    first_number: str
    last_number: str
    face_limit: Decimal
    used: int
    remaining: int
    lost_total: int
    issued_count: int = 0
    issued_amount: Decimal = ZERO
    voided_count: int = 0
    voided_amount: Decimal = ZERO
    lost_count: int = 0
    lost_amount: Decimal = ZERO
    issued_runs: list[tuple[str, str]] = field(default_factory=list)
    voided: list[tuple[str, Decimal, str]] = field(default_factory=list)  # number, amount, reason
    lost: list[tuple[str, bool, Decimal]] = field(default_factory=list)  # number, blank, amount


@dataclass
class MonthlyReport:
    month: str
    issued_count: int
    issued_amount: Decimal
    voided_count: int
    voided_amount: Decimal
    lost_count: int
    lost_amount: Decimal
    books: list[BookReport]

    @property
    def net_amount(self) -> Decimal:
        return self.issued_amount - self.voided_amount

    def as_dict(self) -> dict:
        from servicedesk.money import money_str

        return {
            "month": self.month,
            "issued": {"count": self.issued_count, "amount": money_str(self.issued_amount)},
            "voided": {"count": self.voided_count, "amount": money_str(self.voided_amount)},
            "lost": {"count": self.lost_count, "amount": money_str(self.lost_amount)},
            "net_amount": money_str(self.net_amount),
            "books": [{"code": b.code, "first_number": b.first_number, "last_number": b.last_number,
                       "used": b.used, "remaining": b.remaining, "lost": b.lost_total,
                       "month": {"issued": b.issued_count, "issued_amount": money_str(b.issued_amount),
                                 "voided": b.voided_count, "voided_amount": money_str(b.voided_amount),
                                 "lost": b.lost_count,
                                 "issued_numbers": [list(r) for r in b.issued_runs],
                                 "voided_numbers": [n for n, _a, _r in b.voided],
                                 "lost_numbers": [n for n, _b, _a in b.lost]}}
                      for b in self.books],
        }


def monthly_report(*, month: str) -> MonthlyReport:
    """R-INV-8: invoices written in the month (whatever became of them since), those voided in the month and
    numbers reported lost in the month, by book and number, with totals. Runs of consecutive issued
    numbers are listed as ranges; voided and lost numbers one by one. Bounded queries: one per kind."""
    start, end = month_bounds(month)
    books = {b.pk: BookReport(b.code, b.first_number, b.last_number, b.face_limit, b.used, b.remaining, b.lost_count)
             for b in InvoiceBook.objects.order_by("first_value")}
    width = dict(InvoiceBook.objects.values_list("pk", "width"))
    issued = Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end)
    for row in issued.values("book_id").annotate(n=Count("id"), amount=Sum("amount")).order_by():
        books[row["book_id"]].issued_count, books[row["book_id"]].issued_amount = row["n"], row["amount"] or ZERO
    current_book, values = None, []

    def flush():
        if current_book is not None:
            w = width[current_book]
            books[current_book].issued_runs = [(rules.number_text(a, w), rules.number_text(b, w))
                                               for a, b in rules.runs(values)]

    for book_id, value in issued.order_by("book_id", "value").values_list("book_id", "value").iterator(chunk_size=20000):
        if book_id != current_book:
            flush()
            current_book, values = book_id, []
        values.append(value)
    flush()
    voided = Invoice.objects.filter(voided_at__gte=start, voided_at__lt=end, status=InvoiceStatus.VOID)
    for book_id, number, amount, reason in voided.order_by("book_id", "value").values_list(
            "book_id", "number", "amount", "void_reason"):
        b = books[book_id]
        b.voided_count += 1
        b.voided_amount += amount
        b.voided.append((number, amount, reason))
    lost = LostNumber.objects.filter(loss__reported_at__gte=start, loss__reported_at__lt=end)
    for book_id, number, invoice_id, amount in lost.order_by("book_id", "value").values_list(
            "book_id", "number", "invoice_id", "invoice__amount"):
        b = books[book_id]
        b.lost_count += 1
        b.lost_amount += amount or ZERO
        b.lost.append((number, invoice_id is None, amount or ZERO))
    lines = list(books.values())
    return MonthlyReport(
        month=month,
        issued_count=sum(b.issued_count for b in lines), issued_amount=sum((b.issued_amount for b in lines), ZERO),
        voided_count=sum(b.voided_count for b in lines), voided_amount=sum((b.voided_amount for b in lines), ZERO),
        lost_count=sum(b.lost_count for b in lines), lost_amount=sum((b.lost_amount for b in lines), ZERO),
        books=lines,
    )


# ---------------------------------------------------------------- number accounting (R-INV-1)

def number_accounting_mismatches() -> list[str]:
    """Every number of every book is exactly one of unused, issued, voided, lost, and the book's cached
    counts and next number agree with the rows. One line per broken book, [] when clean."""
    found: list[str] = []
    counts = defaultdict(dict)
    for row in Invoice.objects.values("book_id", "status").annotate(n=Count("id")).order_by():
        counts[row["book_id"]][row["status"]] = row["n"]
    lost_rows = dict(LostNumber.objects.values("book_id").annotate(n=Count("id")).values_list("book_id", "n").order_by())
    # A lost row is either blank (no invoice) or the lost invoice's own number; an invoice marked lost has one.
    lost_mismatch = set(LostNumber.objects.filter(invoice__isnull=False).exclude(invoice__status=InvoiceStatus.LOST)
                        .values_list("book_id", flat=True))
    lost_mismatch |= set(Invoice.objects.filter(status=InvoiceStatus.LOST, lost_number__isnull=True)
                         .values_list("book_id", flat=True))
    # A blank lost number has no invoice of the same number (the uniqueness of the two tables together).
    lost_mismatch |= set(LostNumber.objects.filter(invoice__isnull=True, book__invoices__value=F("value"))
                         .values_list("book_id", flat=True))
    out_of_range = set(Invoice.objects.filter(Q(value__lt=F("book__first_value"))
                                              | Q(value__gt=F("book__last_value"))).values_list("book_id", flat=True))
    out_of_range |= set(LostNumber.objects.filter(Q(value__lt=F("book__first_value"))
                                                  | Q(value__gt=F("book__last_value"))).values_list("book_id", flat=True))
    # Sequential issue (R-INV-2): below the next number everything is used or lost, above it nothing is used.
    ahead = set(Invoice.objects.filter(value__gte=F("book__next_value")).values_list("book_id", flat=True))
    below = dict(Invoice.objects.filter(value__lt=F("book__next_value")).values("book_id").annotate(n=Count("id"))
                 .values_list("book_id", "n").order_by())
    blank_below = dict(LostNumber.objects.filter(invoice__isnull=True, value__lt=F("book__next_value"))
                       .values("book_id").annotate(n=Count("id")).values_list("book_id", "n").order_by())
    for book in InvoiceBook.objects.order_by("pk"):
        c = counts.get(book.pk, {})
        issued, void, lost_invoices = (c.get(InvoiceStatus.ISSUED, 0), c.get(InvoiceStatus.VOID, 0),
                                       c.get(InvoiceStatus.LOST, 0))
        lost = lost_rows.get(book.pk, 0)
        problems = []
        if (book.issued_count, book.voided_count, book.lost_count) != (issued, void, lost):
            problems.append(f"counts issued/voided/lost {book.issued_count}/{book.voided_count}/{book.lost_count}"
                            f" ≠ rows {issued}/{void}/{lost}")
        if lost_invoices > lost:
            problems.append(f"{lost_invoices} lost invoices but {lost} lost numbers")
        if issued + void + lost > book.count:
            problems.append(f"{issued + void + lost} numbers accounted for of {book.count}")
        if book.pk in ahead:
            problems.append("an invoice at or after the next number")
        if below.get(book.pk, 0) + blank_below.get(book.pk, 0) != book.next_value - book.first_value:
            problems.append("a gap before the next number")
        if book.pk in lost_mismatch:
            problems.append("a number is both lost and issued/voided")
        if book.pk in out_of_range:
            problems.append("a number outside the book's range")
        expected_status = BookStatus.EXHAUSTED if book.next_value > book.last_value else BookStatus.OPEN
        if book.status != expected_status:
            problems.append(f"status {book.status}, next {book.next_value}")
        if book.count - issued - void - lost == 0 and book.next_value <= book.last_value:
            problems.append("no number left but next number inside the range")
        if problems:
            found.append(f"{book.code}: " + "; ".join(problems))
    return found





def month_label(today: dt.date) -> str:
    """The month the report line points at: last month (the one reported on the set day)."""
    return rules.month_before(today)
