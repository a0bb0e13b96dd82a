"""State changes of the invoices app (domain-rules.md §5), one function per business operation, each in
one transaction with the rows that two desks could race on locked:

- a book's numbers are taken from the `InvoiceBook` row itself (select_for_update), so two desks issuing
  from one book queue on that row and get consecutive numbers; the number is taken only inside the issue
  transaction (never for a draft), so a refused or rolled-back issue leaves no gap;
- the receipts of an invoice are locked (ordered by pk) before what is left of them is counted, so one
  receipt invoiced from two tabs at once gets one invoice;
- lock order everywhere: receipts → book → invoice.

Every ledger entry (invoice, void, loss) carries its time (`issued_at`, `voided_at`, `reported_at`) and
has one writer here, which calls the finance period guard with that time before writing (R-FIN-2, 409
`period_closed` inside a closed month).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from receipts.models import Receipt
from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.extensions import facts_for_receipts
from servicedesk.money import money_str, quantize
from servicedesk.numbering import number_next
from servicedesk.periods import period_guard
from servicedesk.services import notification_send, notifications_close

from . import events, rules, selectors
from .choices import BookStatus, InvoiceStatus, LossStatus
from .models import Invoice, InvoiceBook, InvoiceLoss, InvoiceReceipt, InvoiceReport, LostNumber

MAX_RECEIPTS = 50
MAX_LOST_NUMBERS = 1000


# ---------------------------------------------------------------- books (R-INV-1)

def _range_refusal(*, first: int, last: int, exclude_pk: int | None = None) -> None:
    others = InvoiceBook.objects.filter(first_value__lte=last, last_value__gte=first)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("first_value").first()
    if clash is not None:
        raise RuleViolation(
            _("The range overlaps book %(code)s (%(first)s–%(last)s).")
            % {"code": clash.code, "first": clash.first_number, "last": clash.last_number},
            code="R-INV-1", fields={"first_number": [clash.code]})


def _parse_range(first_number: str, count: int) -> tuple[int, int, int]:
    try:
        return rules.book_range(first_number=first_number, count=count)
    except rules.NumberFormatError:
        raise RuleViolation(_("Numbers are digit strings; the book's range must fit their width."),
                            code="R-INV-1", fields={"first_number": [str(first_number)], "count": [str(count)]}) from None


@transaction.atomic
def invoice_book_receive(*, code: str, first_number: str, count: int, face_limit: Decimal, user,
                         received_by=None, note: str = "", now: dt.datetime | None = None) -> InvoiceBook:
    """R-INV-1: a book of blank invoices is received by one named person (default: who records it)."""
    code = (code or "").strip()
    if not code:
        raise RuleViolation(_("A book needs its code."), code="R-INV-1", fields={"code": ["required"]})
    face_limit = quantize(face_limit)
    if face_limit <= 0:
        raise RuleViolation(_("The face-value limit must be above zero."), code="R-INV-1",
                            fields={"face_limit": [str(face_limit)]})
    first, last, width = _parse_range(first_number, count)
    serial = number_next(key="invoice-books")  # serialises book receipt, so two overlapping books never both land
    list(InvoiceBook.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    if InvoiceBook.objects.filter(code=code).exists():
        raise Conflict(_("Book %(code)s is already recorded.") % {"code": code}, code="R-INV-1",
                       fields={"code": [code]})
    _range_refusal(first=first, last=last)
    book = InvoiceBook.objects.create(
        code=code, serial=serial, first_number=rules.number_text(first, width), last_number=rules.number_text(last, width),
        width=width, first_value=first, last_value=last, count=count, face_limit=face_limit,
        received_by=received_by or user, received_at=now or timezone.now(), next_value=first, note=note)
    events.book_received_event(book=book, user=user)
    return book


@transaction.atomic
def invoice_book_change_range(*, book: InvoiceBook, first_number: str, count: int, user) -> InvoiceBook:
    """R-INV-1: a range typed wrong may be corrected until the first number is used (or lost)."""
    list(InvoiceBook.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    book = InvoiceBook.objects.get(pk=book.pk)
    if book.range_locked:
        raise Conflict(_("The book's range is locked: its numbers are in use."), code="R-INV-1",
                       fields={"first_number": ["locked"]})
    first, last, width = _parse_range(first_number, count)
    _range_refusal(first=first, last=last, exclude_pk=book.pk)
    before = (book.first_number, book.last_number)
    book.first_number, book.last_number = rules.number_text(first, width), rules.number_text(last, width)
    book.width, book.first_value, book.last_value, book.count, book.next_value = width, first, last, count, first
    book.save(update_fields=["first_number", "last_number", "width", "first_value", "last_value", "count",
                             "next_value", "updated_at"])
    events.book_range_changed_event(book=book, user=user, before=before)
    return book


def _next_free(book: InvoiceBook, start: int) -> int:
    """The first number from `start` on that is not lost (a lost blank number is skipped, R-INV-7)."""
    lost = set(LostNumber.objects.filter(book=book, value__gte=start).values_list("value", flat=True))
    value = start
    while value in lost:
        value += 1
    return value


def invoice_number_allocate(*, book: InvoiceBook) -> int:
    """R-INV-2: the next number of a book, taken under the lock of the book row held by the caller's
    transaction: consecutive, never twice, never a lost one. The caller creates the invoice with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_allocate() must run inside the issue transaction")
    value = book.next_value
    if value > book.last_value:
        raise RuleViolation(_("Book %(code)s has no number left.") % {"code": book.code}, code="R-INV-1",
                            fields={"book": [book.code]})
    book.next_value = _next_free(book, value + 1)
    book.issued_count += 1
    book.status = BookStatus.EXHAUSTED if book.next_value > book.last_value else BookStatus.OPEN
    book.save(update_fields=["next_value", "issued_count", "status", "updated_at"])
    return value


def _locked_book(*, code: str | None) -> InvoiceBook:
    """The named open book, or the open book with the lowest first number (R-INV-2), locked."""
    if code:
        book = InvoiceBook.objects.select_for_update().filter(code=code).first()
        if book is None:
            raise RuleViolation(_("No invoice book %(code)s.") % {"code": code}, code="R-INV-1", fields={"book": [code]})
        if book.status != BookStatus.OPEN:
            raise RuleViolation(_("Book %(code)s has no number left.") % {"code": code}, code="R-INV-1",
                                fields={"book": [code]})
        return book
    for _attempt in range(5):  # the default book may fill up while we wait for its lock
        candidate = selectors.book_default()
        if candidate is None:
            break
        book = InvoiceBook.objects.select_for_update().get(pk=candidate.pk)
        if book.status == BookStatus.OPEN:
            return book
    raise RuleViolation(_("No open invoice book: receive a new book first."), code="R-INV-1", fields={"book": ["none"]})


# ---------------------------------------------------------------- issue (R-INV-2, 3, 4)

def _receipts_locked(refs: list[tuple[str, str]]) -> list[Receipt]:
    if not refs:
        raise RuleViolation(_("Scan at least one receipt."), code="R-INV-3", fields={"receipts": ["required"]})
    if len(refs) > MAX_RECEIPTS:
        raise RuleViolation(_("At most %(n)d receipts on one invoice.") % {"n": MAX_RECEIPTS}, code="R-INV-3",
                            fields={"receipts": ["too many"]})
    if len(set(refs)) != len(refs):
        raise RuleViolation(_("A receipt is listed twice."), code="R-INV-3", fields={"receipts": ["duplicate"]})
    query = Q()
    for side, number in refs:
        query |= Q(side=side, number=number)
    # Lock in primary-key order so two desks invoicing overlapping receipts never deadlock.
    found = {(r.side, r.number): r for r in Receipt.objects.select_for_update().filter(query).order_by("pk")}
    missing = [f"{side}:{number}" for side, number in refs if (side, number) not in found]
    if missing:
        raise RuleViolation(_("No till receipt %(ref)s.") % {"ref": ", ".join(missing)}, code="R-INV-3",
                            fields={"receipts": missing})
    return [found[ref] for ref in refs]


def _time_limit_check(*, receipts: list[Receipt], today: dt.date, policy) -> None:
    limit = policy.time_limit()
    for receipt in receipts:
        rung_on = timezone.localdate(receipt.rung_at)
        why = rules.time_limit_refusal(rung_on=rung_on, today=today, limit=limit)
        if why == "days":
            raise RuleViolation(
                _("Receipt %(number)s was rung on %(day)s, more than %(days)d days ago: no invoice any more.")
                % {"number": receipt.number, "day": rung_on, "days": limit.days},
                code="R-INV-4", fields={"receipts": [receipt.number]})
        if why == "month":
            raise RuleViolation(
                _("Receipt %(number)s was rung on %(day)s, in an earlier month: invoices do not cross the month end.")
                % {"number": receipt.number, "day": rung_on},
                code="R-INV-4", fields={"receipts": [receipt.number]})


@transaction.atomic
def invoice_issue(*, receipts: list[tuple[str, str]], buyer: str, user, tax_id: str | None = None,
                  amount: Decimal | None = None, book: str | None = None, now: dt.datetime | None = None) -> Invoice:
    """Issue one invoice for one or more scanned receipts (R-INV-2, R-INV-3, R-INV-4, R-GIFT-4)."""
    now = now or timezone.now()
    period_guard(at=now)  # R-FIN-2: the invoice is dated `now`; a closed month refuses it (409 period_closed)
    buyer = (buyer or "").strip()
    if not buyer:
        raise RuleViolation(_("Write the buyer's name."), code="R-INV-3", fields={"buyer": ["required"]})
    if amount is not None:
        amount = quantize(amount)
    found = _receipts_locked(receipts)
    today = timezone.localdate(now)
    policy = selectors.invoice_policy_in_force(on=today)
    _time_limit_check(receipts=found, today=today, policy=policy)
    facts = facts_for_receipts(found)
    lefts = selectors.receipts_left(receipts=found, facts=facts)
    left = sum((x.left for x in lefts), Decimal("0.00"))
    locked = _locked_book(code=book)
    decision = rules.invoice_amount_decide(requested=amount, left=left, face_limit=locked.face_limit)
    if decision.reason == "nothing_left":
        raise Conflict(_("Nothing is left to invoice on these receipts (net of refunds and earlier invoices)."),
                       code="R-INV-3", fields={"receipts": [r.number for r in found]})
    if decision.reason == "not_positive":
        raise RuleViolation(_("The amount must be above zero."), code="R-INV-3", fields={"amount": [str(amount)]})
    if decision.reason == "more_than_left":
        raise RuleViolation(_("%(asked)s asked, but only %(left)s is left to invoice on these receipts.")
                            % {"asked": money_str(decision.amount), "left": money_str(left)},
                            code="R-INV-3", fields={"amount": [money_str(left)]})
    if decision.reason == "face_limit":
        raise RuleViolation(_("%(amount)s is above the face-value limit %(limit)s of book %(code)s: split it over "
                              "several invoices.") % {"amount": money_str(decision.amount),
                                                      "limit": money_str(locked.face_limit), "code": locked.code},
                            code="R-INV-2", fields={"amount": [money_str(locked.face_limit)]})
    gifts, vouchers = selectors.gifts_and_vouchers(facts=facts)
    value = invoice_number_allocate(book=locked)
    invoice = Invoice.objects.create(
        book=locked, number=locked.text(value), value=value, amount=decision.amount, buyer=buyer[:200],
        tax_id=(tax_id or "").strip()[:30], remarks=rules.remarks_text(gifts=gifts, vouchers=vouchers),
        issued_by=user, issued_at=now)
    parts = rules.allocate(amount=decision.amount, lefts=[x.left for x in lefts])
    InvoiceReceipt.objects.bulk_create([InvoiceReceipt(invoice=invoice, receipt=x.receipt, amount=part)
                                        for x, part in zip(lefts, parts, strict=True) if part > 0])
    events.invoice_issued_event(invoice=invoice, user=user)
    return invoice


def invoice_preview(*, receipts: list[tuple[str, str]], buyer: str, user, tax_id: str | None = None,
                    amount: Decimal | None = None, book: str | None = None, now: dt.datetime | None = None) -> dict:
    """What the clerk is about to write (number, buyer, amount, remarks), checked by the same rules and
    rolled back: nothing is kept and no number is taken (the number shown may move on if another desk
    issues first; the issued invoice shows the one written)."""
    class _Preview(Exception):
        pass

    result: dict = {}
    try:
        with transaction.atomic():
            invoice = invoice_issue(receipts=receipts, buyer=buyer, tax_id=tax_id, amount=amount, book=book,
                                    user=user, now=now)
            result = {"number": invoice.number, "book": invoice.book.code, "amount": invoice.amount,
                      "buyer": invoice.buyer, "tax_id": invoice.tax_id, "remarks": invoice.remarks,
                      # the side by its label (百货 / 超市): the counter page shows the preview as it is
                      "receipts": [(p.receipt.get_side_display(), p.receipt.number, p.amount)
                                   for p in invoice.receipt_parts.all()]}
            raise _Preview
    except _Preview:
        pass
    return result


# ---------------------------------------------------------------- voids and stubs (R-INV-5, R-INV-6)

@transaction.atomic
def invoice_void(*, invoice: Invoice, reason: str, user, now: dt.datetime | None = None) -> Invoice:
    """R-INV-5: the invoice is marked VOID (作废) and kept whole; its number stays used, and the amount it
    covered may be invoiced again on a new number."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("A void needs its reason."), code="R-INV-5", fields={"reason": ["required"]})
    now = now or timezone.now()
    period_guard(at=now)  # R-FIN-2: the void is dated `now`
    book = InvoiceBook.objects.select_for_update().get(pk=invoice.book_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.VOID:
        raise Conflict(_("Invoice %(number)s is already void.") % {"number": invoice.number}, code="R-INV-5")
    if invoice.status == InvoiceStatus.LOST:
        raise Conflict(_("Invoice %(number)s was reported lost: its public notice voids it.")
                       % {"number": invoice.number}, code="R-INV-7")
    invoice.status, invoice.voided_by, invoice.voided_at = InvoiceStatus.VOID, user, now
    invoice.void_reason = reason[:300]
    invoice.save(update_fields=["status", "voided_by", "voided_at", "void_reason", "updated_at"])
    InvoiceBook.objects.filter(pk=book.pk).update(issued_count=F("issued_count") - 1, voided_count=F("voided_count") + 1)
    events.invoice_voided_event(invoice=invoice, user=user)
    return invoice


@transaction.atomic
def invoice_stubs_hand_over(*, invoices, user, now: dt.datetime | None = None) -> int:
    """R-INV-6: the stubs of used invoices (issued or void) go to finance; recorded once per invoice."""
    now = now or timezone.now()
    pending = list(Invoice.objects.select_for_update().filter(pk__in=[i.pk for i in invoices],
                                                              stub_handed_at__isnull=True)
                   .exclude(status=InvoiceStatus.LOST).order_by("pk"))
    for invoice in pending:
        invoice.stub_handed_by, invoice.stub_handed_at = user, now
        invoice.save(update_fields=["stub_handed_by", "stub_handed_at", "updated_at"])
        events.invoice_stub_handed_event(invoice=invoice, user=user)
    return len(pending)


# ---------------------------------------------------------------- losses (R-INV-7)

def _notify(perm: str, *, title: str, body: str, url: str, key: str) -> list[str]:
    names = []
    for recipient in selectors.users_with_perm(perm):
        if notification_send(recipient=recipient, title=title, body=body, url=url, key=key) is not None:
            names.append(recipient.get_username())
    return names


def _loss_url(loss: InvoiceLoss) -> str:
    return reverse("admin:invoices_invoiceloss_change", args=[loss.pk])


@transaction.atomic
def invoice_loss_report(*, book: str, numbers: list[str], reason: str, user, stub_copy=None,
                        now: dt.datetime | None = None) -> InvoiceLoss:
    """R-INV-7: lost invoices of one book are reported at once. Blank numbers are withdrawn (never issued
    afterwards); issued ones become `lost` and keep covering their receipts. The desk supervisor signs next."""
    now = now or timezone.now()
    period_guard(at=now)  # R-FIN-2: the loss is dated `now` (reported_at)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Say what happened."), code="R-INV-7", fields={"reason": ["required"]})
    locked = InvoiceBook.objects.select_for_update().filter(code=(book or "").strip()).first()
    if locked is None:
        raise RuleViolation(_("No invoice book %(code)s.") % {"code": book}, code="R-INV-7", fields={"book": [str(book)]})
    texts = [str(n).strip() for n in (numbers or [])]
    if not texts or len(texts) > MAX_LOST_NUMBERS:
        raise RuleViolation(_("List the lost numbers."), code="R-INV-7", fields={"numbers": ["required"]})
    wrong = [t for t in texts if not (t.isdigit() and t.isascii() and len(t) == locked.width
                                      and locked.first_value <= int(t) <= locked.last_value)]
    if wrong:
        raise RuleViolation(_("Not numbers of book %(code)s: %(numbers)s.") % {"code": locked.code,
                                                                              "numbers": ", ".join(wrong[:10])},
                            code="R-INV-7", fields={"numbers": wrong[:50]})
    values = sorted({int(t) for t in texts})
    already = list(LostNumber.objects.filter(book=locked, value__in=values).values_list("number", flat=True))
    if already:
        raise Conflict(_("Already reported lost: %(numbers)s.") % {"numbers": ", ".join(already[:10])},
                       code="R-INV-7", fields={"numbers": already[:50]})
    invoices = {i.value: i for i in Invoice.objects.select_for_update().filter(book=locked, value__in=values)}
    void = [i.number for i in invoices.values() if i.status == InvoiceStatus.VOID]
    if void:
        raise RuleViolation(_("A void invoice keeps all its copies (R-INV-5); it cannot be lost: %(numbers)s.")
                            % {"numbers": ", ".join(void[:10])}, code="R-INV-7", fields={"numbers": void[:50]})
    policy = selectors.invoice_policy_in_force(on=timezone.localdate(now))
    issued = [invoices[v] for v in values if v in invoices]
    loss = InvoiceLoss.objects.create(
        book=locked, numbers=[locked.text(v) for v in values], blank=not issued, face_limit=locked.face_limit,
        amount=sum((i.amount for i in issued), Decimal("0.00")), reason=reason, reported_by=user, reported_at=now,
        notice_due=rules.notice_due(reported_on=timezone.localdate(now), days=policy.notice_days))
    if stub_copy is not None:
        loss.stub_copy.save(getattr(stub_copy, "name", "stub"), stub_copy, save=True)
    LostNumber.objects.bulk_create([LostNumber(loss=loss, book=locked, number=locked.text(v), value=v,
                                               invoice=invoices.get(v)) for v in values])
    for invoice in issued:
        invoice.status = InvoiceStatus.LOST
        invoice.save(update_fields=["status", "updated_at"])
    locked.issued_count -= len(issued)
    locked.lost_count += len(values)
    locked.next_value = _next_free(locked, locked.next_value)
    locked.status = BookStatus.EXHAUSTED if locked.next_value > locked.last_value else BookStatus.OPEN
    locked.save(update_fields=["issued_count", "lost_count", "next_value", "status", "updated_at"])
    events.loss_reported_event(loss=loss, user=user)
    _notify("invoices.sign_loss", title=_("Invoice loss to sign: book %(code)s") % {"code": locked.code},
            body=_("Numbers %(numbers)s; public notice due %(due)s.") % {"numbers": ", ".join(loss.numbers[:20]),
                                                                        "due": loss.notice_due},
            url=_loss_url(loss), key=f"invoice-loss-{loss.pk}-sign")
    return loss


@transaction.atomic
def invoice_loss_sign(*, loss: InvoiceLoss, user, now: dt.datetime | None = None) -> InvoiceLoss:
    """R-INV-7: the desk supervisor signs the report; it then goes to the branch head, security and finance."""
    if not user.has_perm("invoices.sign_loss"):
        raise NotAllowed(_("Only the desk supervisor signs a loss report."), code="R-INV-7")
    loss = InvoiceLoss.objects.select_for_update().select_related("book").get(pk=loss.pk)
    if loss.status != LossStatus.AWAITING_SIGNATURE:
        raise Conflict(_("This loss report is already signed."), code="R-INV-7")
    loss.status, loss.signed_by, loss.signed_at = LossStatus.AWAITING_NOTICE, user, now or timezone.now()
    loss.save(update_fields=["status", "signed_by", "signed_at", "updated_at"])
    kind = _("blank") if loss.blank else _("issued")
    notified = _notify(
        "invoices.receive_loss_reports",
        title=_("Invoices lost (%(kind)s): book %(code)s") % {"kind": kind, "code": loss.book.code},
        body=_("Numbers %(numbers)s, face limit %(limit)s, amount %(amount)s, signed by %(by)s; public void notice "
               "due %(due)s.") % {"numbers": ", ".join(loss.numbers[:50]), "limit": money_str(loss.face_limit),
                                  "amount": money_str(loss.amount), "by": user.get_username(), "due": loss.notice_due},
        url=_loss_url(loss), key=f"invoice-loss-{loss.pk}-routed")
    events.loss_signed_event(loss=loss, user=user, notified=notified)
    notifications_close(keys=[f"invoice-loss-{loss.pk}-sign"], reason=_("signed by %(user)s") % {"user": user.get_username()})
    return loss


@transaction.atomic
def invoice_loss_notice(*, loss: InvoiceLoss, published_on: dt.date, publication: str, user,
                        now: dt.datetime | None = None) -> InvoiceLoss:
    """R-INV-7: the public void notice was published: the case closes."""
    now = now or timezone.now()
    publication = (publication or "").strip()
    if not publication:
        raise RuleViolation(_("Name where the notice was published."), code="R-INV-7",
                            fields={"publication": ["required"]})
    loss = InvoiceLoss.objects.select_for_update().get(pk=loss.pk)
    if loss.status == LossStatus.AWAITING_SIGNATURE:
        raise Conflict(_("The desk supervisor signs the report first."), code="R-INV-7")
    if loss.status == LossStatus.CLOSED:
        raise Conflict(_("The notice is already recorded."), code="R-INV-7")
    if published_on is None or published_on > timezone.localdate(now) or published_on < timezone.localdate(loss.reported_at):
        raise RuleViolation(_("The notice's date must lie between the report and today."), code="R-INV-7",
                            fields={"published_on": [str(published_on)]})
    loss.status, loss.published_on, loss.publication = LossStatus.CLOSED, published_on, publication[:200]
    loss.notice_recorded_by = user
    loss.save(update_fields=["status", "published_on", "publication", "notice_recorded_by", "updated_at"])
    events.loss_notice_event(loss=loss, user=user)
    # the case is closed: its overdue warnings are done (the loss report itself stays for the record)
    notifications_close(keys=[f"invoice-loss-{loss.pk}-overdue"], reason=_("public notice recorded"))
    return loss


def invoice_loss_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """R-INV-7: a loss whose public notice is past due (report date + 7 days) without a notice is escalated
    once to the desk supervisors and the loss-report recipients. Idempotent (run by beat)."""
    now = now or timezone.now()
    done = 0
    for pk in list(selectors.losses_overdue(today=timezone.localdate(now)).filter(escalated_at__isnull=True)
                   .values_list("pk", flat=True)):
        with transaction.atomic():
            loss = InvoiceLoss.objects.select_for_update().select_related("book").get(pk=pk)
            if loss.escalated_at is not None or loss.status == LossStatus.CLOSED:
                continue
            loss.escalated_at = now
            loss.save(update_fields=["escalated_at", "updated_at"])
            title = _("Overdue: public notice of lost invoices, book %(code)s") % {"code": loss.book.code}
            body = _("Numbers %(numbers)s: the notice was due %(due)s.") % {"numbers": ", ".join(loss.numbers[:50]),
                                                                           "due": loss.notice_due}
            notified = _notify("invoices.sign_loss", title=title, body=body, url=_loss_url(loss),
                               key=f"invoice-loss-{loss.pk}-overdue")
            notified += _notify("invoices.receive_loss_reports", title=title, body=body, url=_loss_url(loss),
                                key=f"invoice-loss-{loss.pk}-overdue")
            events.loss_escalated_event(loss=loss, notified=sorted(set(notified)))
            done += 1
    return done


# ---------------------------------------------------------------- monthly report (R-INV-8)

def invoice_report_prepare(*, month: str, now: dt.datetime | None = None) -> InvoiceReport:
    """R-INV-8: keep the month's totals and tell finance the report is ready (once per month)."""
    now = now or timezone.now()
    data = selectors.monthly_report(month=month).as_dict()
    totals = {k: data[k] for k in ("issued", "voided", "lost", "net_amount")}
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = InvoiceReport.objects.create(month=month, totals=totals, prepared_at=now)
        except IntegrityError:
            report = InvoiceReport.objects.select_for_update().get(month=month)
            report.totals, report.prepared_at = totals, now
            report.save(update_fields=["totals", "prepared_at", "updated_at"])
        notified = _notify(
            "invoices.report_invoices", title=_("Monthly invoice report %(month)s is ready") % {"month": month},
            body=_("Issued %(n)d (%(amount)s), voided %(v)d (%(vamount)s), lost %(l)d.") % {
                "n": totals["issued"]["count"], "amount": totals["issued"]["amount"], "v": totals["voided"]["count"],
                "vamount": totals["voided"]["amount"], "l": totals["lost"]["count"]},
            url=reverse("admin:invoices_invoice_report") + f"?month={month}", key=f"invoice-report-{month}")
        if notified:
            events.report_prepared_event(month=month, notified=notified)
    return report


def invoice_report_due(*, now: dt.datetime | None = None) -> str | None:
    """Beat runs this every hour: on the policy's report day (or the first run after it) the previous
    month's report is prepared and finance notified; later runs that month do nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    policy = selectors.invoice_policy_in_force(on=today)
    month = rules.report_month_due(today=today, report_day=policy.report_day)
    if month is None or InvoiceReport.objects.filter(month=month).exists():
        return None
    invoice_report_prepare(month=month, now=now)
    return month
