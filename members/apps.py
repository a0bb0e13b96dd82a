from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from .hooks import register

        register()  # receipt hooks, the points refund source, receipt facts and panels (servicedesk/extensions.py)

        from servicedesk.extensions import scan_lookups

        from .scan import MembersScan

        scan_lookups.register(MembersScan())
