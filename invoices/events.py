"""Writers for InvoiceEvent, called inside the service's transaction (one per event type)."""

from __future__ import annotations

from .choices import InvoiceEventType
from .models import Invoice, InvoiceBook, InvoiceEvent, InvoiceLoss


def _event(type_, *, user, book=None, invoice=None, loss=None, **parameters) -> InvoiceEvent:
    return InvoiceEvent.objects.create(type=type_, user=user, book=book, invoice=invoice, loss=loss,
                                       parameters=parameters)


def book_received_event(*, book: InvoiceBook, user) -> InvoiceEvent:
    return _event(InvoiceEventType.BOOK_RECEIVED, user=user, book=book, first_number=book.first_number,
                  last_number=book.last_number, face_limit=str(book.face_limit),
                  received_by=book.received_by.get_username())


def book_range_changed_event(*, book: InvoiceBook, user, before: tuple[str, str]) -> InvoiceEvent:
    return _event(InvoiceEventType.BOOK_RANGE_CHANGED, user=user, book=book, before=list(before),
                  after=[book.first_number, book.last_number])


def invoice_issued_event(*, invoice: Invoice, user) -> InvoiceEvent:
    return _event(InvoiceEventType.ISSUED, user=user, book=invoice.book, invoice=invoice, number=invoice.number,
                  amount=str(invoice.amount))


def invoice_voided_event(*, invoice: Invoice, user) -> InvoiceEvent:
    return _event(InvoiceEventType.VOIDED, user=user, book=invoice.book, invoice=invoice, reason=invoice.void_reason)


def invoice_stub_handed_event(*, invoice: Invoice, user) -> InvoiceEvent:
    return _event(InvoiceEventType.STUB_HANDED, user=user, book=invoice.book, invoice=invoice)


def loss_reported_event(*, loss: InvoiceLoss, user) -> InvoiceEvent:
    return _event(InvoiceEventType.LOSS_REPORTED, user=user, book=loss.book, loss=loss, numbers=loss.numbers,
                  blank=loss.blank, amount=str(loss.amount), notice_due=loss.notice_due.isoformat())


def loss_signed_event(*, loss: InvoiceLoss, user, notified: list[str]) -> InvoiceEvent:
    return _event(InvoiceEventType.LOSS_SIGNED, user=user, book=loss.book, loss=loss, notified=notified)


def loss_notice_event(*, loss: InvoiceLoss, user) -> InvoiceEvent:
    return _event(InvoiceEventType.LOSS_NOTICE, user=user, book=loss.book, loss=loss,
                  published_on=loss.published_on.isoformat(), publication=loss.publication)


def loss_escalated_event(*, loss: InvoiceLoss, notified: list[str]) -> InvoiceEvent:
    return _event(InvoiceEventType.LOSS_ESCALATED, user=None, book=loss.book, loss=loss, notified=notified,
                  notice_due=loss.notice_due.isoformat())


def report_prepared_event(*, month: str, notified: list[str]) -> InvoiceEvent:
    return _event(InvoiceEventType.REPORT_PREPARED, user=None, month=month, notified=notified)
