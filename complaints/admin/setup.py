"""Set-up tables of the complaints desk, edited by the desk supervisor: departments (R-CMP-2), the clock
policy (R-CMP-2), the approved and never-use phrases (R-CMP-6). Rows are never deleted (history)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import ComplaintPolicy, Department, ForbiddenPhrase, ReplyPhrase


class ManagedByPermission(SimpleHistoryAdmin):
    """Added and edited only by the holders of `manage_permission`; deleted only where `may_delete`."""

    manage_permission = ""
    may_delete = False

    def _may_manage(self, request) -> bool:
        return request.user.has_perm(self.manage_permission)

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return self.may_delete and self._may_manage(request)


@admin.register(Department)
class DepartmentAdmin(ManagedByPermission):
    manage_permission = "complaints.manage_departments"
    list_display = ["code", "name", "feedback_hours", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["staff"]


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(ManagedByPermission):
    manage_permission = "complaints.manage_clock_policy"
    list_display = ["effective_from", "routing_hours", "escalation_hours"]


@admin.register(ReplyPhrase)
class ReplyPhraseAdmin(ManagedByPermission):
    manage_permission, may_delete = "complaints.manage_phrases", True
    list_display = ["text", "scene", "sort", "active"]
    list_filter = ["scene", "active"]
    search_fields = ["text"]


@admin.register(ForbiddenPhrase)
class ForbiddenPhraseAdmin(ManagedByPermission):
    manage_permission, may_delete = "complaints.manage_phrases", True
    list_display = ["text", "kind", "instead", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["text", "instead"]
