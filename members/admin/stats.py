"""Member statistics page: enrolment and points issued by month for the last 12 months (members/stats.py),
as charts drawn by members/static/members/stats.js from json_script data, each with its table."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import MemberStatistics
from ..stats import member_stats_by_month, member_stats_charts

PERMISSION = "members.see_member_statistics"
MONTHS = 12


@admin.register(MemberStatistics)
class MemberStatisticsAdmin(admin.ModelAdmin):
    """Listed on the members index for those who may see it; its "list" is the statistics page."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("", self.admin_site.admin_view(self.changelist_view), name="%s_%s_changelist" % info)]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        stats = member_stats_by_month(last=timezone.localdate(), count=MONTHS)
        charts = member_stats_charts(stats)
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": _("Member statistics: the last %(n)s months") % {"n": MONTHS}, "charts": charts,
                   "chart_json": {c["id"]: {k: v for k, v in c.items() if k != "table"} for c in charts}}
        return TemplateResponse(request, "members/stats.html", context)
