from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("Till receipts")

    def ready(self):
        from servicedesk.extensions import scan_lookups

        from .scan import ReceiptsScan

        scan_lookups.register(ReceiptsScan())
