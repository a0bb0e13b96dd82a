from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftsConfig(AppConfig):
    name = "gifts"
    verbose_name = _("Gifts")

    def ready(self):
        from .hooks import register

        register()  # refund source, receipt facts, stock ledger check, receipt inline, Member 360 panel
