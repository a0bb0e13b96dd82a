"""Finance (R-FIN-1, R-FIN-2): the month close with its totals and frozen files, export jobs, running
monthly aggregates of every month ledger, the policy (how long exports are kept, what streams directly)
and the audit of closes and reopens. The guard row that freezes a month is `servicedesk.Period`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.models import TimeStampedModel

from .choices import ExportFormat, ExportStatus, FinanceEventType


class FinancePolicy(TimeStampedModel):
    """Effective-dated numbers of the finance desk (servicedesk/policies.py finds the one in force)."""

    effective_from = models.DateTimeField(_("effective from"), unique=True)
    export_keep_days = models.PositiveSmallIntegerField(_("keep export files for (days)"), default=30)
    stream_max_rows = models.PositiveIntegerField(
        _("a month with at most this many rows also downloads directly"), default=20000)
    progress_every_rows = models.PositiveIntegerField(_("export progress saved every (rows)"), default=5000)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finance policy")
        verbose_name_plural = _("finance policies")
        ordering = ["-effective_from"]
        constraints = [models.CheckConstraint(condition=Q(export_keep_days__gte=1), name="finance_keep_days_positive"),
                       models.CheckConstraint(condition=Q(progress_every_rows__gte=1), name="finance_progress_positive")]

    def __str__(self):
        return f"{self.effective_from:%Y-%m-%d}"


class LedgerTotal(models.Model):
    """Running aggregate of one ledger's entries of one month and kind, up to the ledger's settled entry id
    (LedgerCursor): the month page adds only what was written since, so it never scans a month."""

    ledger = models.CharField(max_length=20)
    month = models.CharField(max_length=7)
    kind = models.CharField(max_length=40)
    rows = models.BigIntegerField(default=0)
    inflow = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    outflow = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("ledger month total")
        verbose_name_plural = _("ledger month totals")
        constraints = [models.UniqueConstraint(fields=["ledger", "month", "kind"], name="ledger_total_unique")]

    def __str__(self):
        return f"{self.ledger} {self.month} {self.kind}"


class LedgerDelta(models.Model):
    """What one writer's statement added to a ledger's month and kind, written in the writer's own transaction
    by a PostgreSQL trigger (finance/aggregates.py; the points and stored-value ledgers): visible exactly when
    its entries are, so the month page reads LedgerTotal + LedgerDelta and is current without scanning a month.
    The settle task folds them into LedgerTotal."""

    ledger = models.CharField(max_length=20)
    month = models.CharField(max_length=7)
    kind = models.CharField(max_length=40)
    rows = models.BigIntegerField(default=0)
    inflow = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    outflow = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("ledger month delta")
        verbose_name_plural = _("ledger month deltas")
        indexes = [models.Index(fields=["ledger"], name="ledger_delta_ledger")]

    def __str__(self):
        return f"{self.ledger} {self.month} {self.kind} +{self.rows}"


class LedgerCursor(models.Model):
    """How far a ledger's entries are settled into LedgerTotal. Ids up to `pending_id` are settled once
    `pending_since` is old enough that no transaction holding a smaller id can still be uncommitted."""

    ledger = models.CharField(max_length=20, unique=True)
    settled_id = models.BigIntegerField(default=0)
    pending_id = models.BigIntegerField(null=True, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ledger cursor")
        verbose_name_plural = _("ledger cursors")

    def __str__(self):
        return f"{self.ledger}: {self.settled_id}"


class MonthClose(TimeStampedModel):
    """One close of a month (R-FIN-2): the closing totals, each ledger's summary as the page showed it, and
    (ExportJob rows with `close`) the files with their checksums. A reopen keeps the row, marked reopened;
    the next close writes a new one with new files."""

    month = models.DateField(_("month"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("closed by"))
    totals = models.JSONField(_("closing totals"), default=dict)
    summary = models.JSONField(_("ledger summaries"), default=dict)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reopened by"))
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("month close")
        verbose_name_plural = _("month closes")
        ordering = ["-month", "-id"]
        permissions = [("close_period", _("Can close a month (R-FIN-2)")),
                       ("reopen_period", _("Can reopen a closed month (R-FIN-2)"))]
        constraints = [
            models.UniqueConstraint(fields=["month"], condition=Q(reopened_at__isnull=True), name="month_close_one_active"),
            models.CheckConstraint(condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                                   name="month_reopen_needs_reason"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"

    @property
    def is_active(self) -> bool:
        return self.reopened_at is None


class ExportJob(models.Model):
    """One export file of a month's ledger (or its PDF summary), made in the background with progress. A job
    with `close` is one of the closed month's frozen files: every later download serves its exact bytes."""

    ledger = models.CharField(_("ledger"), max_length=20)
    month = models.DateField(_("month"))
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_done = models.BigIntegerField(_("rows done"), default=0)
    rows_total = models.BigIntegerField(_("rows"), default=0)
    file = models.CharField(_("file"), max_length=300, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    error = models.TextField(_("error"), blank=True)
    close = models.ForeignKey(MonthClose, on_delete=models.PROTECT, null=True, blank=True, related_name="files",
                              verbose_name=_("month close"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        ordering = ["-id"]
        indexes = [models.Index(fields=["month", "-id"], name="export_month_recent")]
        constraints = [
            models.UniqueConstraint(fields=["close", "ledger", "format"], condition=Q(close__isnull=False),
                                    name="export_one_frozen_file"),
        ]

    def __str__(self):
        return f"{self.ledger} {self.month:%Y-%m} {self.format}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, int(100 * self.rows_done / self.rows_total)) if self.rows_total else 0

    @property
    def filename(self) -> str:
        return f"{self.ledger}-{self.month:%Y-%m}.{self.format}"


class FinanceEvent(models.Model):
    """Audit of the month close: who closed or reopened which month, when, and why (append-only)."""

    month = models.DateField(_("month"))
    type = models.CharField(_("type"), max_length=20, choices=FinanceEventType.choices)
    close = models.ForeignKey(MonthClose, on_delete=models.PROTECT, null=True, related_name="events")
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("finance event")
        verbose_name_plural = _("finance events")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_type_display()}"
