from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    def ready(self):
        from .finance import register as register_finance
        from .hooks import register

        register_finance()  # the invoice register month ledger (servicedesk.extensions.month_ledgers, R-FIN-1/2)
        register()  # receipt facts (invoice numbers), the receipt page's inline, the number-accounting check
