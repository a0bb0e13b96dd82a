from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("Till receipts")

    def ready(self):
        from servicedesk.extensions import lean_routes, scan_lookups

        from .api.lean import FeedLean
        from .scan import ReceiptsScan

        scan_lookups.register(ReceiptsScan())
        lean_routes.register(FeedLean())
