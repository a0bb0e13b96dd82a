"""Invoices (domain-rules.md §5): the policy in force, invoice books (发票本) with their number range and
face-value limit, the invoices written from them (with the receipts each covers), lost numbers and the
loss case file, the monthly report to finance, and the audit events.

Accounting of numbers (R-INV-1): every number of a book is exactly one of
  unused   no Invoice row and no LostNumber row;
  issued   an Invoice with status `issued`;
  voided   an Invoice with status `void` (R-INV-5: the number stays used);
  lost     a LostNumber row (blank), or an Invoice with status `lost` and its LostNumber row (R-INV-7).
The book row caches the counts (`issued_count`, `voided_count`, `lost_count`) and the next number to
issue; services are their only writers, under a row lock on the book, and the `invoices` ledger check
(hooks.py) proves the counts agree with the rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.models import TimeStampedModel
from servicedesk.money import money_field
from servicedesk.timefmt import store_time

from . import rules
from .choices import BookStatus, InvoiceEventType, InvoiceStatus, LossStatus


class InvoicePolicy(TimeStampedModel):
    """The invoice rules' numbers, effective-dated: the row with the latest `effective_from` not after the
    day is in force. Edit by adding a new row."""

    effective_from = models.DateField(_("effective from"), unique=True)
    time_limit_days = models.PositiveIntegerField(
        _("time limit (days)"), default=30, help_text=_("R-INV-4. Days after the purchase day an invoice may be issued."))
    within_month = models.BooleanField(
        _("not across the month end"), default=True,
        help_text=_("R-INV-4. A receipt rung in an earlier calendar month than today is refused."))
    notice_days = models.PositiveIntegerField(
        _("public notice within (days)"), default=7, help_text=_("R-INV-7. Days after the loss report."))
    report_day = models.PositiveSmallIntegerField(
        _("monthly report day"), default=3, help_text=_("R-INV-8. Day of the month the report goes to finance."))
    low_remaining = models.PositiveIntegerField(
        _("book running low at"), default=10,
        help_text=_("Dashboard: a book with this many numbers or fewer left is shown as running low."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice policy")
        verbose_name_plural = _("invoice policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(report_day__gte=1, report_day__lte=28), name="invoice_policy_report_day"),
        ]

    def __str__(self):
        return "%s %s" % (_("Invoice policy"), self.effective_from)

    def time_limit(self) -> rules.TimeLimit:
        return rules.TimeLimit(days=self.time_limit_days, within_month=self.within_month)


class InvoiceBook(TimeStampedModel):
    """R-INV-1: a book of blank invoices received by one responsible person. The row is the book's
    counter: numbers are taken from `next_value` under `select_for_update` (services.invoice_number_allocate)."""

    code = models.CharField(_("book code"), max_length=40, unique=True)
    serial = models.PositiveIntegerField(_("serial"), unique=True, editable=False,
                                         help_text=_("Order in which books were received (numbering service)."))
    first_number = models.CharField(_("first number"), max_length=20)
    last_number = models.CharField(_("last number"), max_length=20)
    width = models.PositiveSmallIntegerField(_("digits"))
    first_value = models.BigIntegerField(_("first number (value)"), db_index=True)
    last_value = models.BigIntegerField(_("last number (value)"))
    count = models.PositiveIntegerField(_("numbers"))
    face_limit = money_field(verbose_name=_("face-value limit"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(_("status"), max_length=10, choices=BookStatus.choices, default=BookStatus.OPEN,
                              db_index=True)
    next_value = models.BigIntegerField(_("next number (value)"),
                                        help_text=_("The next unused number that is not lost; last + 1 when none."))
    issued_count = models.PositiveIntegerField(_("issued"), default=0)
    voided_count = models.PositiveIntegerField(_("voided"), default=0)
    lost_count = models.PositiveIntegerField(_("lost"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice book")
        verbose_name_plural = _("invoice books")
        ordering = ["first_value", "id"]
        permissions = [("change_book_range", _("Can correct a book's range before any number is used"))]
        constraints = [
            models.CheckConstraint(condition=Q(face_limit__gt=0), name="invoice_book_face_limit"),
            models.CheckConstraint(condition=Q(last_value=F("first_value") + F("count") - 1), name="invoice_book_range"),
            models.CheckConstraint(condition=Q(next_value__gte=F("first_value"), next_value__lte=F("last_value") + 1),
                                   name="invoice_book_next_in_range"),
            models.CheckConstraint(
                condition=Q(issued_count__lte=F("count") - F("voided_count") - F("lost_count")),
                name="invoice_book_counts_add_up"),
        ]

    def __str__(self):
        return f"{self.code} ({self.first_number}–{self.last_number})"

    @property
    def used(self) -> int:
        """Numbers written on paper: issued and voided (R-INV-5: a void number stays used)."""
        return self.issued_count + self.voided_count

    @property
    def remaining(self) -> int:
        return self.count - self.used - self.lost_count

    @property
    def next_number(self) -> str | None:
        return None if self.next_value > self.last_value else rules.number_text(self.next_value, self.width)

    @property
    def range_locked(self) -> bool:
        return self.used > 0 or self.lost_count > 0

    def text(self, value: int) -> str:
        return rules.number_text(value, self.width)


class Invoice(TimeStampedModel):
    """One paper invoice (发票): its number in its book, the receipts it covers, buyer, amount, remarks."""

    book = models.ForeignKey(InvoiceBook, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("book"))
    number = models.CharField(_("invoice number"), max_length=20, db_index=True)
    value = models.BigIntegerField(_("number (value)"))
    amount = money_field(verbose_name=_("amount"))
    buyer = models.CharField(_("buyer"), max_length=200, db_index=True)
    tax_id = models.CharField(_("taxpayer ID"), max_length=30, blank=True)
    remarks = models.TextField(_("remarks"), blank=True, help_text=_("Gifts and vouchers of the receipts (R-GIFT-4)."))
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, db_index=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    # R-INV-6: the stub (存根联) stays with the desk until it is handed to finance.
    stub_handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("stub handed over by"))
    stub_handed_at = models.DateTimeField(_("stub handed to finance at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]
        permissions = [
            ("issue_invoice", _("Can issue an invoice")),
            ("void_invoice", _("Can void an invoice")),
            ("hand_over_stubs", _("Can record invoice stubs handed to finance")),
            ("report_invoices", _("Can read the monthly invoice report and register")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="invoice_unique_book_number"),
            models.UniqueConstraint(fields=["book", "value"], name="invoice_unique_book_value"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status=InvoiceStatus.VOID) | Q(voided_at__isnull=False) & ~Q(void_reason=""),
                name="invoice_void_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "issued_at"], name="invoice_status_issued")]

    def __str__(self):
        return self.number


class InvoiceReceipt(models.Model):
    """The part of one till receipt an invoice covers (R-INV-3: a receipt, or the part of it, invoiced once)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="receipt_parts",
                                verbose_name=_("invoice"))
    receipt = models.ForeignKey("receipts.Receipt", on_delete=models.PROTECT, related_name="invoice_parts",
                                verbose_name=_("receipt"))
    amount = money_field(verbose_name=_("amount invoiced"))

    class Meta:
        verbose_name = _("invoiced receipt")
        verbose_name_plural = _("invoiced receipts")
        ordering = ["invoice_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "receipt"], name="invoice_receipt_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_receipt_amount_positive"),
        ]

    def __str__(self):
        return f"{self.invoice_id} ← {self.receipt_id}: {self.amount}"


class InvoiceLoss(TimeStampedModel):
    """R-INV-7: the case file of lost invoices (blank or issued) of one book."""

    book = models.ForeignKey(InvoiceBook, on_delete=models.PROTECT, related_name="losses", verbose_name=_("book"))
    numbers = models.JSONField(_("numbers"), default=list)
    blank = models.BooleanField(_("blank invoices"), help_text=_("True when none of the numbers was issued."))
    face_limit = money_field(verbose_name=_("face-value limit"))
    amount = money_field(verbose_name=_("amount of the issued ones"), default=Decimal("0.00"))
    reason = models.TextField(_("what happened"))
    stub_copy = models.FileField(_("counter stub copy"), upload_to="invoices/losses/", blank=True,
                                 help_text=_("For issued invoices: a copy of the counter stub (存根联)."))
    status = models.CharField(_("status"), max_length=20, choices=LossStatus.choices,
                              default=LossStatus.AWAITING_SIGNATURE, db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    notice_due = models.DateField(_("public notice due"), db_index=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("signed by"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    published_on = models.DateField(_("notice published on"), null=True, blank=True)
    publication = models.CharField(_("published in"), max_length=200, blank=True)
    notice_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("notice recorded by"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice loss")
        verbose_name_plural = _("invoice losses")
        ordering = ["-reported_at", "-id"]
        permissions = [
            ("sign_loss", _("Can sign an invoice loss report")),
            ("record_loss_notice", _("Can record the public void notice of lost invoices")),
            ("receive_loss_reports", _("Receives invoice loss reports (branch head, security, finance)")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(signed_by__isnull=True, signed_at__isnull=True)
                                   | Q(signed_by__isnull=False, signed_at__isnull=False), name="invoice_loss_signature"),
            models.CheckConstraint(condition=~Q(status=LossStatus.CLOSED) | Q(published_on__isnull=False),
                                   name="invoice_loss_closed_has_notice"),
        ]

    def __str__(self):
        first = self.numbers[0] if self.numbers else ""
        more = f" +{len(self.numbers) - 1}" if len(self.numbers) > 1 else ""
        return "%s #%s %s %s%s" % (_("Loss"), self.pk, self.book.code, first, more)


class LostNumber(models.Model):
    """One lost number of a book: never issued afterwards (blank), or the lost issued invoice's number."""

    loss = models.ForeignKey(InvoiceLoss, on_delete=models.PROTECT, related_name="lost_numbers",
                             verbose_name=_("loss"))
    book = models.ForeignKey(InvoiceBook, on_delete=models.PROTECT, related_name="lost_numbers",
                             verbose_name=_("book"))
    number = models.CharField(_("number"), max_length=20)
    value = models.BigIntegerField(_("number (value)"))
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="lost_number",
                                   verbose_name=_("invoice"))

    class Meta:
        verbose_name = _("lost number")
        verbose_name_plural = _("lost numbers")
        ordering = ["book_id", "value"]
        constraints = [models.UniqueConstraint(fields=["book", "value"], name="lost_number_once")]

    def __str__(self):
        return self.number


class InvoiceReport(TimeStampedModel):
    """R-INV-8: the monthly report as prepared for finance on the set day (the page computes it live)."""

    month = models.CharField(_("month"), max_length=7, unique=True)
    totals = models.JSONField(_("totals"), default=dict)
    prepared_at = models.DateTimeField(_("prepared at"))

    class Meta:
        verbose_name = _("monthly invoice report")
        verbose_name_plural = _("monthly invoice reports")
        ordering = ["-month"]

    def __str__(self):
        return self.month


class InvoiceEvent(models.Model):
    """Audit of books, invoices and losses (append-only)."""

    type = models.CharField(_("type"), max_length=30, choices=InvoiceEventType.choices)
    book = models.ForeignKey(InvoiceBook, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                             verbose_name=_("book"))
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                                verbose_name=_("invoice"))
    loss = models.ForeignKey(InvoiceLoss, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                             verbose_name=_("loss"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice event")
        verbose_name_plural = _("invoice events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_type_display()} {store_time(self.created_at)}"
