"""The desk's one site: the Django admin, branded 服务台 / Service Desk, with the dashboard as home."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .dashboard import collect_tiles


class DeskAdminSite(admin.AdminSite):
    site_header = _("Service Desk")
    site_title = _("Service Desk")
    index_title = _("Desk dashboard")
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "tiles": collect_tiles(request)}
        return super().index(request, extra_context)
