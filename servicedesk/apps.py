from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeskAdminConfig(admin_apps.SimpleAdminConfig):
    """The Django admin, with the desk's own site as the default: every app registers on it — when the site is
    served (the URLconf) or checked, not in every process Django starts (servicedesk/admin_discovery.py)."""

    default = False
    default_site = "servicedesk.admin_site.DeskAdminSite"

    def ready(self):
        from django.core import checks

        from .admin_discovery import discover_before_checks

        # Registered before the admin's own checks (super().ready()), so it runs first.
        checks.register(discover_before_checks, checks.Tags.admin)
        super().ready()


class DeskAxesConfig(AxesAppConfig):
    """django-axes (login throttling), named in words on the desk; its records named in store time."""

    default = False
    verbose_name = _("Sign-in security")

    def ready(self):
        super().ready()
        from .admin_axes import install_names

        install_names()


class ServicedeskConfig(AppConfig):
    default = True
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
        from .api.fields import install_strict_json_types

        install_strict_json_types()  # API JSON values must have their schema type (issue 9)
        from .pgtime import install as install_c_timestamps

        install_c_timestamps()  # PostgreSQL timestamps parsed in C (issue 16)
        from .admin_display import install as install_admin_display

        install_admin_display()  # JSON fields read as words on admin pages (issue 15)
        from .admin_display import install_history_words

        install_history_words()  # history pages: what changed, in words
        from .admin_tools import install_permitted_admin_links

        install_permitted_admin_links()  # read-only links only to pages the viewer may open (issue 15)
        from .api import authentication
        from .roles import sync_roles_after_migrate

        # Apps added later bring new models: keep every role's permissions in step after each migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="servicedesk.sync_roles")
        authentication.connect()  # cached API tokens are dropped when roles or users change
