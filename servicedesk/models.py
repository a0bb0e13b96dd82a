"""Models of the desk itself: the shift handover book (R-DESK-1), in-app notifications, and the
scheduler heartbeat. `TimeStampedModel` is the base of every business model in the project."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import HandoverEventType, HandoverItemStatus, Shift
from .timefmt import store_time


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class HandoverEntry(TimeStampedModel):
    """One shift's page in the handover book (交接班本): written by the leaving shift, read and
    acknowledged by the next (R-DESK-1)."""

    shift_date = models.DateField(_("shift date"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handover_entries_written",
        verbose_name=_("written by"),
    )
    notes = models.TextField(_("notes"), help_text=_("What the next shift needs to know."))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="handover_entries_acknowledged", verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover entry")
        verbose_name_plural = _("handover book")
        ordering = ["-shift_date", "-shift", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shift_date", "shift"], name="handover_one_entry_per_shift"),
            models.CheckConstraint(
                condition=Q(acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="handover_ack_complete",
            ),
        ]

    def __str__(self):
        return f"{self.shift_date} {self.get_shift_display()}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class HandoverItem(TimeStampedModel):
    """An open matter on a handover entry; still open when the next entry is written, it carries over."""

    entry = models.ForeignKey(HandoverEntry, on_delete=models.PROTECT, related_name="items", verbose_name=_("entry"))
    text = models.CharField(_("item"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=HandoverItemStatus.choices, default=HandoverItemStatus.OPEN, db_index=True
    )
    carried_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_to",
        verbose_name=_("carried over from"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["id"]

    def __str__(self):
        return self.text


class HandoverEvent(models.Model):
    """Audit of the handover workflow: who did what, when (append-only)."""

    entry = models.ForeignKey(HandoverEntry, on_delete=models.PROTECT, related_name="events", verbose_name=_("entry"))
    type = models.CharField(_("type"), max_length=20, choices=HandoverEventType.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handover event")
        verbose_name_plural = _("handover events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_type_display()} {store_time(self.created_at)}"


class Notification(TimeStampedModel):
    """An in-app notification for one user (escalations, upgrades, stock warnings…)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Lets a job that may run twice notify once: (recipient, key) is unique when a key is given.
    key = models.CharField(_("key"), max_length=120, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The work it asked for is finished (the complaint routed, the slip signed…): it closed itself, and
    # reads as read. `done_reason` says what closed it, in the recipient's list.
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_reason = models.CharField(_("closed because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # notifications_close finds the open ones of a record by key prefix (LIKE 'cmp:12:%' on PostgreSQL
            # needs the pattern operator class; other databases ignore it)
            models.Index(fields=["key"], name="notification_open_key", opclasses=["varchar_pattern_ops"],
                         condition=Q(done_at__isnull=True) & ~Q(key="")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self):
        return self.title


class SchedulerHeartbeat(models.Model):
    """The last time the beat scheduler reached a worker: proves scheduled jobs really run."""

    name = models.CharField(max_length=50, unique=True, verbose_name=_("name"))
    beats = models.PositiveBigIntegerField(default=0, verbose_name=_("beats"))
    last_beat_at = models.DateTimeField(null=True, verbose_name=_("last beat at"))
    worker = models.CharField(max_length=200, blank=True, verbose_name=_("worker"))

    class Meta:
        verbose_name = _("scheduler heartbeat")
        verbose_name_plural = _("scheduler heartbeats")

    def __str__(self):
        return self.name


class NumberSequence(models.Model):
    """One gap-free counter per sequence key (`TS-20261202`, `card`, a voucher series, an invoice book):
    the last number handed out. servicedesk/numbering.py is its only writer."""

    key = models.CharField(_("sequence"), max_length=60, unique=True)
    last = models.BigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}: {self.last}"


class Period(models.Model):
    """A month of the books (R-FIN-2): while `closed`, nothing may be written dated inside it. The period
    guard (servicedesk/periods.py) is its only reader on the write path; finance closes and reopens it
    (and keeps the closing totals, files and events on its own models). A row exists for every month
    the guard or a close has looked at."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month (store time)."))
    closed = models.BooleanField(_("closed"), default=False)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accounting period")
        verbose_name_plural = _("accounting periods")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"
