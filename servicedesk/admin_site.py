"""The desk's one site: the Django admin, branded 服务台 / Service Desk, with the dashboard as home."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .dashboard import collect_tasks, collect_tiles


class DeskAdminSite(admin.AdminSite):
    site_header = _("Service Desk")
    site_title = _("Service Desk")
    index_title = _("Desk dashboard")
    index_template = "admin/desk_index.html"

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
