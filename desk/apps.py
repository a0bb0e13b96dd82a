from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The desk's convenience services and reports (R-DESK-2…4): enquiries, the brand directory, umbrella
    loans, free items, gift wrapping, delivery requests, lost property, weekly and monthly reports."""

    name = "desk"
    verbose_name = _("Desk services")

    def ready(self):
        from .hooks import register

        register()  # ledger checks of the deposit and supplies ledgers (servicedesk/extensions.py)
