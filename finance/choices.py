from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FinanceEventType(models.TextChoices):
    CLOSED = "closed", _("Month closed")
    REOPENED = "reopened", _("Month reopened")
    FILES_STORED = "files_stored", _("Closing files stored")
