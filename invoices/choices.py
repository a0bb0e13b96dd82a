from django.db import models
from django.utils.translation import gettext_lazy as _


class BookStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXHAUSTED = "exhausted", _("Exhausted")  # every number used or lost (api-contract.md)


class InvoiceStatus(models.TextChoices):
    """Every number of a book is exactly one of: unused (no row), issued, void, lost (R-INV-1)."""

    ISSUED = "issued", _("Issued")
    VOID = "void", _("Void")  # R-INV-5: 作废, kept whole, number stays used
    LOST = "lost", _("Lost")  # R-INV-7: an issued invoice reported lost


class LossStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting the desk supervisor's signature")
    AWAITING_NOTICE = "awaiting_notice", _("Awaiting the public notice")
    CLOSED = "closed", _("Closed")


class InvoiceEventType(models.TextChoices):
    BOOK_RECEIVED = "book_received", _("Book received")
    BOOK_RANGE_CHANGED = "book_range_changed", _("Book range corrected")
    ISSUED = "issued", _("Issued")
    VOIDED = "voided", _("Voided")
    STUB_HANDED = "stub_handed", _("Stub handed to finance")
    LOSS_REPORTED = "loss_reported", _("Loss reported")
    LOSS_SIGNED = "loss_signed", _("Loss signed")
    LOSS_NOTICE = "loss_notice", _("Public notice recorded")
    LOSS_ESCALATED = "loss_escalated", _("Notice overdue: escalated")
    REPORT_PREPARED = "report_prepared", _("Monthly report prepared")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
