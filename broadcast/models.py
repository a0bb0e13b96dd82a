"""The PA booth (domain-rules.md §6): the policy in force, the store's hours, the effective-dated plan
(R-BC-1), scripts and their review (R-BC-5), recurring promotions (R-BC-2), urgent inserts (R-BC-4),
the air log, the booth's handover notes and equipment maintenance (R-BC-6).

The PA day is wall-clock: `DateField` + `TimeField` in store time (conventions.md, Time)."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.choices import Shift
from servicedesk.models import TimeStampedModel
from servicedesk.timefmt import store_time

from .choices import (
    Anchor,
    InsertEventType,
    InsertKind,
    InsertStatus,
    LogKind,
    MaintenanceKind,
    MaintenanceResult,
    ScriptEventType,
    ScriptKind,
    ScriptStatus,
)
from .rules import Hours, SheetPolicy


def _minutes(verbose, default, help_text, maximum=240):
    return models.PositiveSmallIntegerField(verbose, default=default, help_text=help_text,
                                            validators=[MaxValueValidator(maximum)])


class BroadcastPolicy(TimeStampedModel):
    """The booth's numbers, effective-dated: the row with the latest `effective_from` not after the day
    is in force. A row in force is never edited: add a new one."""

    effective_from = models.DateField(_("effective from"), unique=True)
    promotion_every_min = _minutes(_("promotion interval, shortest (minutes)"), 5, _("R-BC-2."), 120)
    promotion_every_max = _minutes(_("promotion interval, longest (minutes)"), 10, _("R-BC-2."), 120)
    clearance_minutes = _minutes(_("clearance from fixed items (minutes)"), 2,
                                 _("R-BC-2. A promotion slot this close to a fixed item or moment moves on."), 30)
    welcome_before_opening = _minutes(_("welcome music before opening (minutes)"), 5, _("R-BC-3."))
    closing_reminder_before_closing = _minutes(_("closing reminder before closing (minutes)"), 15, _("R-BC-3."))
    farewell_before_closing = _minutes(_("farewell music before closing (minutes)"), 5, _("R-BC-3."))
    welcome_title = models.CharField(_("welcome music: title"), max_length=120, default="迎宾曲")
    closing_reminder_title = models.CharField(_("closing reminder: title"), max_length=120,
                                              default="温馨提示：商场即将结束营业")
    farewell_title = models.CharField(_("farewell music: title"), max_length=120, default="送宾曲")
    insert_expiry_minutes = _minutes(_("urgent insert expires after (minutes)"), 15,
                                     _("R-BC-4. An insert not aired within this time leaves the queue as expired."))
    late_after_minutes = _minutes(_("a sheet item is missed after (minutes)"), 5,
                                  _("R-BC-6. Not logged this long after its time, the item shows as missed."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("broadcast policy")
        verbose_name_plural = _("broadcast policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(promotion_every_min__gte=1, promotion_every_max__gte=models.F(
                "promotion_every_min")), name="broadcast_policy_interval_range"),
            models.CheckConstraint(condition=Q(insert_expiry_minutes__gte=1), name="broadcast_policy_expiry"),
        ]

    def __str__(self):
        return "%s %s" % (_("Broadcast policy"), self.effective_from)

    def clean(self):
        if self.promotion_every_min and self.promotion_every_max and self.promotion_every_max < self.promotion_every_min:
            raise ValidationError({"promotion_every_max": _("The longest interval cannot be below the shortest.")})

    def facts(self) -> SheetPolicy:
        return SheetPolicy(
            every_min=self.promotion_every_min, every_max=self.promotion_every_max, clearance=self.clearance_minutes,
            welcome_before_opening=self.welcome_before_opening,
            closing_reminder_before_closing=self.closing_reminder_before_closing,
            farewell_before_closing=self.farewell_before_closing, late_after=self.late_after_minutes,
            welcome_title=self.welcome_title, closing_reminder_title=self.closing_reminder_title,
            farewell_title=self.farewell_title, name=str(self))


class WeeklyHours(TimeStampedModel):
    """The store's usual hours for one weekday (0 = Monday); a day of its own overrides them (DayHours)."""

    weekday = models.PositiveSmallIntegerField(
        _("weekday"), unique=True, validators=[MaxValueValidator(6)],
        choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
                 (5, _("Saturday")), (6, _("Sunday"))])
    opening = models.TimeField(_("opening"), default=time(8, 0))
    closing = models.TimeField(_("closing"), default=time(22, 0))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weekly opening hours")
        verbose_name_plural = _("weekly opening hours")
        ordering = ["weekday"]
        constraints = [models.CheckConstraint(condition=Q(closing__gt=models.F("opening")),
                                              name="weekly_hours_closing_after_opening")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opening:%H:%M}–{self.closing:%H:%M}"


class DayHours(TimeStampedModel):
    """One day's own opening and closing (holidays, stocktaking, late-night sales): shifts that day's plan."""

    day = models.DateField(_("day"), unique=True)
    opening = models.TimeField(_("opening"))
    closing = models.TimeField(_("closing"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("set by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening hours of a day")
        verbose_name_plural = _("opening hours of days")
        ordering = ["-day"]
        constraints = [models.CheckConstraint(condition=Q(closing__gt=models.F("opening")),
                                              name="day_hours_closing_after_opening")]

    def __str__(self):
        return f"{self.day} {self.opening:%H:%M}–{self.closing:%H:%M}"

    def hours(self) -> Hours:
        return Hours(self.opening, self.closing)


class Script(TimeStampedModel):
    """An announcement script (播音稿) with its reading marks; only approved scripts are scheduled (R-BC-5)."""

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ScriptKind.choices, default=ScriptKind.OTHER)
    text = models.TextField(_("text"), help_text=_(
        "Reading marks: / short pause, // long pause, **words** stressed, [Brand|reading] pronunciation."))
    status = models.CharField(_("status"), max_length=20, choices=ScriptStatus.choices, default=ScriptStatus.DRAFT,
                              db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("author"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        ordering = ["-updated_at", "-id"]
        permissions = [("approve_script", _("Can approve or reject announcement scripts"))]

    def __str__(self):
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status == ScriptStatus.APPROVED


class ScriptEvent(models.Model):
    """Audit of a script's review (append-only)."""

    script = models.ForeignKey(Script, on_delete=models.PROTECT, related_name="events", verbose_name=_("script"))
    type = models.CharField(_("type"), max_length=20, choices=ScriptEventType.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("script event")
        verbose_name_plural = _("script events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_type_display()} {store_time(self.created_at)}"


def _approved_script(value):
    if value and not Script.objects.filter(pk=value, status=ScriptStatus.APPROVED).exists():
        raise ValidationError(_("Only an approved script can be scheduled (R-BC-5)."), code="R-BC-5")


class PlanVersion(TimeStampedModel):
    """The supervisor's broadcast plan (播音计划), effective-dated: on a day, the version with the latest
    `effective_from` not after it and not ended (`effective_until`, inclusive) is in force — a campaign
    plan with an end date lays over the seasonal plan and the seasonal plan comes back after it."""

    name = models.CharField(_("name"), max_length=120)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True,
                                       help_text=_("Last day (inclusive); empty = until replaced."))
    reference_opening = models.TimeField(_("planned for opening at"), default=time(8, 0),
                                         help_text=_("R-BC-1. The items' times are written for these hours."))
    reference_closing = models.TimeField(_("planned for closing at"), default=time(22, 0))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("broadcast plan")
        verbose_name_plural = _("broadcast plans")
        ordering = ["-effective_from", "-id"]
        permissions = [("edit_plan", _("Can edit the broadcast plan, the day's hours and promotions"))]
        constraints = [
            models.CheckConstraint(condition=Q(reference_closing__gt=models.F("reference_opening")),
                                   name="plan_reference_closing_after_opening"),
            models.CheckConstraint(condition=Q(effective_until__isnull=True)
                                   | Q(effective_until__gte=models.F("effective_from")),
                                   name="plan_until_after_from"),
        ]

    def __str__(self):
        return f"{self.name} ({self.effective_from})"

    def reference(self) -> Hours:
        return Hours(self.reference_opening, self.reference_closing)


class PlanItem(models.Model):
    """One fixed item of a plan: its time (for the plan's reference hours), what airs, and its anchor."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("plan"))
    at = models.TimeField(_("time"))
    title = models.CharField(_("title"), max_length=120)
    anchor = models.CharField(_("anchor"), max_length=10, choices=Anchor.choices, default=Anchor.CLOCK)
    script = models.ForeignKey(Script, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_items",
                               verbose_name=_("script"), validators=[_approved_script])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)  # part of the sheet cache's stamp
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["version_id", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "at", "title"], name="plan_item_once")]

    def __str__(self):
        return f"{self.at:%H:%M} {self.title}"


class Promotion(TimeStampedModel):
    """A promotion message repeating every few minutes between its start and end (R-BC-2)."""

    title = models.CharField(_("title"), max_length=120)
    script = models.ForeignKey(Script, on_delete=models.PROTECT, related_name="promotions", verbose_name=_("script"))
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    every_minutes = models.PositiveSmallIntegerField(_("every (minutes)"), validators=[MinValueValidator(1)])
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to take it off the sheets."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["created_at", "id"]  # R-BC-2: the earlier created keeps a shared minute
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="promotion_ends_after_start")]

    def __str__(self):
        return self.title


class InsertTemplate(TimeStampedModel):
    """The approved wording a clerk raises an urgent insert with, one per kind (R-BC-4, R-BC-5).
    Placeholders: {details} what the clerk types, {ref} e.g. a lost-property number, {time} when raised."""

    kind = models.CharField(_("kind"), max_length=20, choices=InsertKind.choices, unique=True)
    script = models.ForeignKey(Script, on_delete=models.PROTECT, related_name="+", verbose_name=_("script"),
                               validators=[_approved_script])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("insert template")
        verbose_name_plural = _("insert templates")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


class UrgentInsert(TimeStampedModel):
    """An urgent announcement inserted at once (寻人寻物, special situations, emergencies; R-BC-4)."""

    kind = models.CharField(_("kind"), max_length=20, choices=InsertKind.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), help_text=_("1 is aired first."))
    status = models.CharField(_("status"), max_length=12, choices=InsertStatus.choices, default=InsertStatus.QUEUED)
    text = models.TextField(_("text"))
    details = models.TextField(_("details"), blank=True)
    source_ref = models.CharField(_("reference"), max_length=80, blank=True,
                                  help_text=_("E.g. a lost-property number."))
    template = models.ForeignKey(Script, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("template"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("raised by"))
    raised_at = models.DateTimeField(_("raised at"))
    expires_at = models.DateTimeField(_("expires at"))
    aired_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("aired by"))
    aired_at = models.DateTimeField(_("aired at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("urgent insert")
        verbose_name_plural = _("urgent inserts")
        ordering = ["priority", "raised_at", "id"]
        permissions = [("air_item", _("Can mark broadcast items as aired (the booth)"))]
        indexes = [models.Index(fields=["status", "priority", "raised_at"], name="insert_queue")]
        constraints = [
            models.CheckConstraint(condition=Q(aired_by__isnull=True, aired_at__isnull=True)
                                   | Q(aired_by__isnull=False, aired_at__isnull=False), name="insert_aired_complete"),
            models.CheckConstraint(condition=~Q(status=InsertStatus.AIRED) | Q(aired_at__isnull=False),
                                   name="insert_aired_has_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class UrgentInsertEvent(models.Model):
    insert = models.ForeignKey(UrgentInsert, on_delete=models.PROTECT, related_name="events", verbose_name=_("insert"))
    type = models.CharField(_("type"), max_length=20, choices=InsertEventType.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("urgent insert event")
        verbose_name_plural = _("urgent insert events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_type_display()} {store_time(self.created_at)}"


class AirLogEntry(models.Model):
    """What really aired, when, and by whom (R-BC-6); append-only. `planned_at` ties a row to the sheet
    item it aired (so the sheet shows what was missed)."""

    day = models.DateField(_("day"), db_index=True)
    aired_at = models.DateTimeField(_("aired at"))
    kind = models.CharField(_("kind"), max_length=12, choices=LogKind.choices)
    title = models.CharField(_("title"), max_length=200)
    planned_at = models.TimeField(_("planned at"), null=True, blank=True)
    insert = models.OneToOneField(UrgentInsert, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="log_entry", verbose_name=_("urgent insert"))
    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("promotion"))
    script = models.ForeignKey(Script, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("script"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("air log entry")
        verbose_name_plural = _("air log")
        ordering = ["aired_at", "id"]
        constraints = [models.UniqueConstraint(fields=["day", "kind", "title", "planned_at"],
                                               condition=Q(planned_at__isnull=False), name="air_log_once_per_slot")]

    def __str__(self):
        return f"{store_time(self.aired_at)} {self.title}"


class BoothHandover(TimeStampedModel):
    """The booth's shift handover note (做好上下班的交接工作并做好记录; R-BC-6)."""

    shift_date = models.DateField(_("shift date"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    notes = models.TextField(_("notes"))
    equipment_ok = models.BooleanField(_("equipment working"), default=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("booth handover note")
        verbose_name_plural = _("booth handover notes")
        ordering = ["-shift_date", "-shift", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shift_date", "shift"], name="booth_handover_once_per_shift"),
            models.CheckConstraint(condition=Q(acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                                   | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                                   name="booth_handover_ack_complete"),
        ]

    def __str__(self):
        return f"{self.shift_date} {self.get_shift_display()}"


class EquipmentMaintenance(TimeStampedModel):
    """A maintenance record of the PA equipment (播音设备的维护、保养; R-BC-6)."""

    equipment = models.CharField(_("equipment"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=MaintenanceKind.choices)
    done_at = models.DateTimeField(_("done at"))
    description = models.TextField(_("description"))
    result = models.CharField(_("result"), max_length=10, choices=MaintenanceResult.choices,
                              default=MaintenanceResult.OK)
    next_due = models.DateField(_("next due"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("done by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("equipment maintenance record")
        verbose_name_plural = _("equipment maintenance")
        ordering = ["-done_at", "-id"]

    def __str__(self):
        return f"{self.equipment} {store_time(self.done_at, '%Y-%m-%d')}"
