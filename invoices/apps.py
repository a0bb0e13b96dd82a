from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    def ready(self):
        from .hooks import register

        register()  # receipt facts (invoice numbers), the receipt page's inline, the number-accounting check
