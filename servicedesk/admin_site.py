"""The desk's one site: the Django admin, branded 服务台 / Service Desk, with the dashboard as home."""

from django.contrib import admin
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .dashboard import collect_tasks, collect_tiles


class DeskAdminSite(admin.AdminSite):
    site_header = _("Service Desk")
    site_title = _("Service Desk")
    index_title = _("Desk dashboard")
    index_template = "admin/desk_index.html"
    # No sidebar with every admin list on every page (issue 15, items 2 and 7): the home is the menu and the
    # list of all lists is one link from it (?all=1); the pages get the screen's whole width at 1024, and
    # Member 360 no longer renders ~30 lists it never shows (the scan benchmark, benchmarks/scan_chromium.py).
    enable_nav_sidebar = False

    def each_context(self, request):
        """Django's each_context, with the app list built only when a template reads it (the list of all
        lists): building it checks every model's permissions for the user on every page."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def get_urls(self):
        from django.urls import path

        from .scan import scan_view

        return [path("find/", self.admin_view(scan_view), name="desk_scan"), *super().get_urls()]

    def index(self, request, extra_context=None):
        # A home per role: the scan box, the counter tasks this user may start, then their queues; the full
        # list of admin lists is one link away (?all=1).
        extra_context = {**(extra_context or {}), "tiles": collect_tiles(request), "tasks": collect_tasks(request),
                         "show_all_lists": request.GET.get("all") == "1"}
        return super().index(request, extra_context)
