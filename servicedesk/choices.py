from django.db import models
from django.utils.translation import gettext_lazy as _


class Shift(models.TextChoices):
    EARLY = "early", _("Early shift")
    LATE = "late", _("Late shift")


class HandoverItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CARRIED = "carried", _("Carried over")


class HandoverEventType(models.TextChoices):
    WRITTEN = "written", _("Written")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ITEM_CLOSED = "item_closed", _("Item closed")
    ITEM_CARRIED = "item_carried", _("Item carried over")
