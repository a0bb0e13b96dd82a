from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftsConfig(AppConfig):
    name = "gifts"
    verbose_name = _("Gifts")

    def ready(self):
        from .finance import register as register_finance
        from .hooks import register

        register_finance()  # the gift stock month ledger (servicedesk.extensions.month_ledgers, R-FIN-1/2)
        register()  # refund source, receipt facts, stock ledger check, receipt inline, Member 360 panel
