"""Choices of the desk services (R-DESK-2…4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnquiryChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class EnquiryTopic(models.TextChoices):
    BRAND_LOCATION = "brand_location", _("Brand location")
    DIRECTIONS = "directions", _("Directions")
    SERVICES = "services", _("Store services")
    OTHER = "other", _("Other")


class LoanStatus(models.TextChoices):
    OUT = "out", _("Out")
    RETURNED = "returned", _("Returned")
    FORFEITED = "forfeited", _("Deposit forfeited")


class DepositKind(models.TextChoices):
    TAKEN = "taken", _("Deposit taken")
    REFUNDED = "refunded", _("Deposit refunded")
    FORFEITED = "forfeited", _("Deposit kept (forfeited)")


class SupplyKind(models.TextChoices):
    SEWING_KIT = "sewing_kit", _("Sewing kit")
    FIRST_AID = "first_aid", _("First-aid item")
    DESK_SUPPLY = "desk_supply", _("Desk supply")
    PUBLICATION = "publication", _("Publication / flyer")


class SupplyEntryKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    ISSUE = "issue", _("Issued")
    ADJUST = "adjust", _("Stocktake adjustment")


class DeliveryStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class LostKind(models.TextChoices):
    FOUND_ITEM = "found_item", _("Item handed in")
    LOST_CHILD = "lost_child", _("Lost child")
    LOST_PERSON = "lost_person", _("Lost person")


class LostStatus(models.TextChoices):
    HELD = "held", _("Held")
    CLAIMED = "claimed", _("Claimed")
    DISPOSED = "disposed", _("Disposed")


class LostEventType(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ANNOUNCED = "announced", _("PA insert raised")
    CLAIMED = "claimed", _("Claimed")
    DISPOSED = "disposed", _("Disposed")


class BagStatus(models.TextChoices):
    STORED = "stored", _("Stored")
    RETURNED = "returned", _("Given back")


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly desk report")
    MONTHLY = "monthly", _("Monthly desk report")
