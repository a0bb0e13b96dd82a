from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns and exchanges")

    def ready(self):
        from .hooks import register

        register()  # receipt facts: what was refunded of a receipt (servicedesk/extensions.py)
