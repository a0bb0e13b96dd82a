"""Choice sets of the broadcast app (domain-rules.md §6, api-contract.md "Broadcast (R-BC)")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Anchor(models.TextChoices):
    """R-BC-1: what a plan item keeps its distance from when the day's hours move."""

    OPENING = "opening", _("Opening (keeps its distance from opening)")
    CLOSING = "closing", _("Closing (keeps its distance from closing)")
    CLOCK = "clock", _("Clock (stays at its time)")


class SheetKind(models.TextChoices):
    """The kinds of a day sheet's items (the contract's `items[].kind`)."""

    FIXED = "fixed", _("Plan item")
    MOMENT = "moment", _("Fixed moment")
    PROMOTION = "promotion", _("Promotion")


class MomentKind(models.TextChoices):
    """R-BC-3: the fixed moments tied to the day's hours."""

    WELCOME = "welcome", _("Welcome music")
    CLOSING_REMINDER = "closing_reminder", _("Closing reminder")
    FAREWELL = "farewell", _("Farewell music")


class ScriptKind(models.TextChoices):
    WELCOME = "welcome", _("Welcome")
    PROMOTION = "promotion", _("Promotion")
    SERVICE = "service", _("Service")
    NOTICE = "notice", _("Notice")
    CLOSING = "closing", _("Closing")
    OTHER = "other", _("Other")


class ScriptStatus(models.TextChoices):
    """R-BC-5: draft → awaiting_review → approved; a rejection goes back to draft with its reason."""

    DRAFT = "draft", _("Draft")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    APPROVED = "approved", _("Approved")


class ScriptEventType(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVISED = "revised", _("Revised after approval (back to draft)")


class InsertKind(models.TextChoices):
    """R-BC-4, listed in priority order: emergency first (priority 1)."""

    EMERGENCY = "emergency", _("Emergency notice")
    LOST_CHILD = "lost_child", _("Lost child")
    LOST_PERSON = "lost_person", _("Lost person")
    SPECIAL = "special", _("Special situation")
    LOST_PROPERTY = "lost_property", _("Lost property")


class InsertStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    AIRED = "aired", _("Aired")
    EXPIRED = "expired", _("Expired (not aired in time)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InsertEventType(models.TextChoices):
    RAISED = "raised", _("Raised")
    AIRED = "aired", _("Aired")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LogKind(models.TextChoices):
    """What an air-log row records: a sheet item (fixed, moment, promotion), an urgent insert, or other."""

    FIXED = "fixed", _("Plan item")
    MOMENT = "moment", _("Fixed moment")
    PROMOTION = "promotion", _("Promotion")
    INSERT = "insert", _("Urgent insert")
    OTHER = "other", _("Other")


class MaintenanceKind(models.TextChoices):
    INSPECTION = "inspection", _("Daily inspection")
    CLEANING = "cleaning", _("Cleaning")
    REPAIR = "repair", _("Repair")
    FAULT = "fault", _("Fault reported")


class MaintenanceResult(models.TextChoices):
    OK = "ok", _("Working")
    FAULTY = "faulty", _("Faulty")
    FIXED = "fixed", _("Fixed")
