"""Back office of the PA booth: the booth page (today's timeline with "now", the next item, the insert
queue on top, refreshed every few seconds, one click to mark aired), the clerk's one-step "raise an
insert" page, script review with the reading marks shown, the plan and the day's hours (desk
supervisor), promotions, the air log against the plan, booth handover notes and maintenance records."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyInline
from servicedesk.errors import DomainError

from . import rules, selectors, services
from .choices import ScriptStatus
from .forms import AirItemForm, PromotionAdminForm, RaiseInsertForm, RejectScriptForm
from .marks import script_html
from .models import (
    AirLogEntry,
    BoothHandover,
    BroadcastPolicy,
    DayHours,
    EquipmentMaintenance,
    InsertTemplate,
    PlanItem,
    PlanVersion,
    Promotion,
    Script,
    ScriptEvent,
    UrgentInsert,
    UrgentInsertEvent,
    WeeklyHours,
)
from .pdf import day_sheet_pdf, script_pdf


class PlanEditorMixin:
    """The plan, hours, policy, promotions and templates are the desk supervisor's (broadcast.edit_plan):
    the announcer holds broadcast.add_*/change_* for the booth's own records, not for these."""

    def _edits(self, request):
        return request.user.has_perm("broadcast.edit_plan")

    def has_add_permission(self, request, *args):
        return self._edits(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._edits(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BroadcastPolicy)
class BroadcastPolicyAdmin(PlanEditorMixin, SimpleHistoryAdmin):
    list_display = ["effective_from", "promotion_every_min", "promotion_every_max", "clearance_minutes",
                    "welcome_before_opening", "closing_reminder_before_closing", "farewell_before_closing",
                    "insert_expiry_minutes", "late_after_minutes", "note"]


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(PlanEditorMixin, SimpleHistoryAdmin):
    list_display = ["weekday", "opening", "closing"]
    list_editable = ["opening", "closing"]
    list_display_links = ["weekday"]


@admin.register(DayHours)
class DayHoursAdmin(PlanEditorMixin, SimpleHistoryAdmin):
    list_display = ["day", "opening", "closing", "note", "set_by"]
    date_hierarchy = "day"
    search_fields = ["note"]
    exclude = ["set_by"]

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 1
    fields = ["at", "title", "anchor", "script"]
    autocomplete_fields = ["script"]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("broadcast.edit_plan")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("broadcast.edit_plan")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("broadcast.edit_plan")


@admin.register(PlanVersion)
class PlanVersionAdmin(PlanEditorMixin, SimpleHistoryAdmin):
    list_display = ["name", "effective_from", "effective_until", "reference_opening", "reference_closing", "note"]
    search_fields = ["name", "note"]
    inlines = [PlanItemInline]
    save_as = True  # copy a plan into a new season's or campaign's version


class ScriptEventInline(ReadOnlyInline):
    model = ScriptEvent
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]


@admin.register(Script)
class ScriptAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "author", "submitted_at", "reviewed_by", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "text"]
    fields = ["title", "kind", "text", "preview", "status", "author", "submitted_at", "reviewed_by", "reviewed_at",
              "rejection_reason"]
    readonly_fields = ["preview", "status", "author", "submitted_at", "reviewed_by", "reviewed_at",
                       "rejection_reason"]
    inlines = [ScriptEventInline]
    change_form_template = "broadcast/script_change_form.html"

    @admin.display(description=gettext_lazy("As read (reading marks)"))
    def preview(self, obj):
        return script_html(obj.text) if obj and obj.pk else "-"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == ScriptStatus.AWAITING_REVIEW:
            return False  # R-BC-5: the words under review do not change
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The service writes the row and its event (an approved script changed goes back to draft).
        if change:
            saved = services.script_update(script=obj, user=request.user, title=obj.title, text=obj.text, kind=obj.kind)
        else:
            saved = services.script_create(title=obj.title, text=obj.text, kind=obj.kind, user=request.user)
        obj.pk, obj.status = saved.pk, saved.status

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="%s_%s_review" % info),
            path("<int:pk>/script.pdf", view(self.pdf_view), name="%s_%s_pdf" % info),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        script = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if script is not None:
            user = request.user
            is_author = script.author_id == user.pk
            extra["can_submit"] = script.status == ScriptStatus.DRAFT and user.has_perm("broadcast.change_script")
            extra["can_review"] = (script.status == ScriptStatus.AWAITING_REVIEW and not is_author
                                   and user.has_perm("broadcast.approve_script"))
            extra["reject_form"] = RejectScriptForm()
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def review_view(self, request, pk: int):
        script = get_object_or_404(Script, pk=pk)
        if request.method != "POST" or not request.user.has_perm("broadcast.view_script"):
            raise PermissionDenied
        step = request.POST.get("step")
        try:
            if step == "submit":
                if not request.user.has_perm("broadcast.change_script"):
                    raise PermissionDenied
                services.script_submit(script=script, user=request.user)
                self.message_user(request, _("Submitted for review."), messages.SUCCESS)
            elif step == "approve":
                services.script_approve(script=script, user=request.user)
                self.message_user(request, _("Approved: the script may now be scheduled."), messages.SUCCESS)
            elif step == "reject":
                form = RejectScriptForm(request.POST)
                if not form.is_valid():
                    self.message_user(request, _("Say why the script is rejected."), messages.ERROR)
                else:
                    services.script_reject(script=script, user=request.user, reason=form.cleaned_data["reason"])
                    self.message_user(request, _("Rejected: back to the author as a draft."), messages.SUCCESS)
        except DomainError as exc:
            self.message_user(request, f"{exc.code}: {exc.detail}", messages.ERROR)
        return redirect("admin:broadcast_script_change", pk)

    def pdf_view(self, request, pk: int):
        if not request.user.has_perm("broadcast.view_script"):
            raise PermissionDenied
        script = get_object_or_404(Script.objects.select_related("reviewed_by"), pk=pk)
        response = HttpResponse(script_pdf(script), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="script-{script.pk}.pdf"'
        return response


@admin.register(Promotion)
class PromotionAdmin(PlanEditorMixin, SimpleHistoryAdmin):
    form = PromotionAdminForm
    list_display = ["title", "script", "starts_at", "ends_at", "every_minutes", "active", "created_by"]
    list_filter = ["active", "starts_at"]
    search_fields = ["title"]
    autocomplete_fields = ["script"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(InsertTemplate)
class InsertTemplateAdmin(PlanEditorMixin, SimpleHistoryAdmin):
    list_display = ["kind", "script"]
    autocomplete_fields = ["script"]


class UrgentInsertEventInline(ReadOnlyInline):
    model = UrgentInsertEvent
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]


def _booth_context(*, now: datetime) -> dict:
    """Everything the booth shows, in a bounded number of queries (the fragment is polled)."""
    tz = selectors.store_tz()
    day = timezone.localdate(now, tz)
    plan = selectors.day_sheet_cached(day=day)
    log = list(selectors.air_log_of(day=day))
    checks = selectors.air_check_of(day=day, now=now, plan=plan, entries=log)
    now_minute = selectors.now_minute(day=day, now=now)
    rows, next_row, now_index = [], None, None
    for check in checks:
        item = check.item
        script = plan.scripts.get(item.script_id) if item.script_id else None
        row = {"at": item.at, "kind": item.kind, "kind_label": _kind_label(item.kind), "title": item.title,
               "status": check.status, "script": script, "html": script_html(script.text) if script else "",
               "moved_from": rules.hhmm(item.moved_from) if item.moved_from is not None else None,
               "aired_by": check.logged.by if check.logged else None}
        if now_index is None and item.minute > now_minute:
            now_index = len(rows)
        rows.append(row)
        if next_row is None and check.status in ("due", "upcoming"):
            next_row = row
    since = timezone.localtime(now, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    queue = list(selectors.inserts_queued(now=now)[:50])
    for ins in queue:
        ins.html = script_html(ins.text)
    return {
        "day": day, "now": timezone.localtime(now, tz), "sheet": plan.sheet, "plan": plan, "rows": rows,
        "now_index": len(rows) if now_index is None else now_index, "next_row": next_row, "queue": queue,
        "expired": list(selectors.inserts_expired_unaired(since=since, now=now)[:20]), "log": log,
    }


def _kind_label(kind: str) -> str:
    return {"fixed": _("Plan item"), "moment": _("Fixed moment"), "promotion": _("Promotion")}.get(kind, kind)


@admin.register(UrgentInsert)
class UrgentInsertAdmin(LargeTableAdminMixin, SimpleHistoryAdmin):
    list_display = ["id", "kind", "priority", "status", "source_ref", "raised_by", "raised_at", "aired_by", "aired_at"]
    list_filter = ["status", "kind", "raised_at"]
    search_fields = ["text", "source_ref"]
    exact_search_fields = ("source_ref",)
    list_select_related = ["raised_by", "aired_by"]
    readonly_fields = fields = ["kind", "priority", "status", "text", "details", "source_ref", "template",
                                "raised_by", "raised_at", "expires_at", "aired_by", "aired_at"]
    inlines = [UrgentInsertEventInline]
    change_list_template = "broadcast/urgentinsert_changelist.html"

    def has_add_permission(self, request):
        return False  # raised on the raise page, through the service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("raise/", view(self.raise_view), name="%s_%s_raise" % info),
            path("booth/", view(self.booth_view), name="%s_%s_booth" % info),
            path("booth/live/", view(self.booth_live_view), name="%s_%s_booth_live" % info),
            path("booth/air-insert/<int:pk>/", view(self.air_insert_view), name="%s_%s_air_insert" % info),
            path("booth/air-item/", view(self.air_item_view), name="%s_%s_air_item" % info),
            path("booth/sheet.pdf", view(self.sheet_pdf_view), name="%s_%s_sheet_pdf" % info),
        ] + super().get_urls()

    # ---- the clerk's page ----------------------------------------------------------------------------
    def raise_view(self, request):
        """R-BC-4: a clerk raises an insert in one step with the approved template of its kind."""
        if not request.user.has_perm("broadcast.add_urgentinsert"):
            raise PermissionDenied
        form = RaiseInsertForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                insert = services.urgent_insert_raise(kind=form.cleaned_data["kind"], text=form.cleaned_data["details"],
                                                      source_ref=form.cleaned_data["source_ref"], user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{exc.code}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, _("%(kind)s queued for the booth (priority %(priority)s).")
                                  % {"kind": insert.get_kind_display(), "priority": insert.priority}, messages.SUCCESS)
                return redirect("admin:broadcast_urgentinsert_raise")
        templates = selectors.insert_templates()
        since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Raise a PA insert"),
                   "form": form, "templates": [(k, script_html(s.text)) for k, s in templates.items()],
                   "recent": UrgentInsert.objects.filter(raised_at__gte=since).select_related("raised_by")
                   .order_by("-raised_at")[:20]}
        return TemplateResponse(request, "broadcast/raise.html", context)

    # ---- the booth ---------------------------------------------------------------------------------
    def _booth_allowed(self, request):
        if not request.user.has_perm("broadcast.view_urgentinsert"):
            raise PermissionDenied

    def booth_view(self, request):
        self._booth_allowed(request)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("PA booth"),
                   "can_air": request.user.has_perm("broadcast.air_item"), **_booth_context(now=timezone.now())}
        return TemplateResponse(request, "broadcast/booth.html", context)

    def booth_live_view(self, request):
        """The booth's changing part, fetched every few seconds by the page."""
        self._booth_allowed(request)
        context = {"can_air": request.user.has_perm("broadcast.air_item"), "request": request,
                   **_booth_context(now=timezone.now())}
        return TemplateResponse(request, "broadcast/booth_live.html", context)

    def _air_allowed(self, request):
        if request.method != "POST" or not request.user.has_perm("broadcast.air_item"):
            raise PermissionDenied

    def air_insert_view(self, request, pk: int):
        self._air_allowed(request)
        insert = get_object_or_404(UrgentInsert, pk=pk)
        try:
            services.urgent_insert_air(insert=insert, user=request.user)
            self.message_user(request, _("Marked aired: %(title)s") % {"title": insert.get_kind_display()},
                              messages.SUCCESS)
        except DomainError as exc:
            self.message_user(request, f"{exc.code}: {exc.detail}", messages.ERROR)
        return redirect("admin:broadcast_urgentinsert_booth")

    def air_item_view(self, request):
        self._air_allowed(request)
        form = AirItemForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Unknown sheet item."), messages.ERROR)
            return redirect("admin:broadcast_urgentinsert_booth")
        try:
            entry = services.air_log_record(kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
                                            planned_at=form.cleaned_data["planned_at"], aired_at=timezone.now(),
                                            user=request.user)
            self.message_user(request, _("Marked aired: %(title)s") % {"title": entry.title}, messages.SUCCESS)
        except DomainError as exc:
            self.message_user(request, f"{exc.code}: {exc.detail}", messages.ERROR)
        return redirect("admin:broadcast_urgentinsert_booth")

    def sheet_pdf_view(self, request):
        self._booth_allowed(request)
        raw = request.GET.get("date")
        day = parse_date(raw) if raw and len(raw) == 10 else None
        day = day or timezone.localdate()
        response = HttpResponse(day_sheet_pdf(selectors.day_sheet(day=day)), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="broadcast-{day}.pdf"'
        return response


@admin.register(AirLogEntry)
class AirLogEntryAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["aired_at", "kind", "title", "planned_at", "by", "note"]
    list_filter = ["kind", "day"]
    search_fields = ["title", "note"]
    list_select_related = ["by"]
    date_hierarchy = "day"
    readonly_fields = fields = ["day", "aired_at", "kind", "title", "planned_at", "insert", "promotion", "script", "by",
                                "note"]
    change_list_template = "broadcast/airlogentry_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("check/", self.admin_site.admin_view(self.check_view), name="%s_%s_check" % info)] + super().get_urls()

    def check_view(self, request):
        """R-BC-6: one day's sheet against what aired — missed items in red."""
        if not request.user.has_perm("broadcast.view_airlogentry"):
            raise PermissionDenied
        raw = request.GET.get("date")
        day = (parse_date(raw) if raw and len(raw) == 10 else None) or timezone.localdate()
        checks = selectors.air_check_of(day=day, now=timezone.now())
        extra = [e for e in selectors.air_log_of(day=day) if e.planned_at is None]
        counts = {s: sum(1 for c in checks if c.status == s) for s in ("aired", "missed", "due", "upcoming")}
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": _("Planned and aired on %(day)s") % {"day": day.isoformat()}, "day": day,
                   "checks": [(c, rules.hhmm(c.logged.aired_minute) if c.logged else "") for c in checks],
                   "extra": extra, "counts": counts, "previous": date.fromordinal(day.toordinal() - 1),
                   "following": date.fromordinal(day.toordinal() + 1)}
        return TemplateResponse(request, "broadcast/check.html", context)


@admin.register(BoothHandover)
class BoothHandoverAdmin(SimpleHistoryAdmin):
    list_display = ["shift_date", "shift", "equipment_ok", "written_by", "acknowledged_by", "acknowledged_at"]
    list_filter = ["shift", "equipment_ok", "shift_date"]
    search_fields = ["notes"]
    fields = ["shift_date", "shift", "notes", "equipment_ok", "written_by", "acknowledged_by", "acknowledged_at"]
    readonly_fields = ["written_by", "acknowledged_by", "acknowledged_at"]
    actions = ["acknowledge_selected"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.acknowledged_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.written_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(permissions=["change"], description=gettext_lazy("Acknowledge selected notes (next shift)"))
    def acknowledge_selected(self, request, queryset):
        for note in queryset:
            try:
                services.booth_handover_acknowledge(note=note, user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{note}: {exc.code} {exc.detail}", messages.ERROR)


@admin.register(EquipmentMaintenance)
class EquipmentMaintenanceAdmin(SimpleHistoryAdmin):
    list_display = ["done_at", "equipment", "kind", "result", "next_due", "done_by"]
    list_filter = ["kind", "result", "done_at"]
    search_fields = ["equipment", "description"]
    exclude = ["done_by"]

    def get_changeform_initial_data(self, request):
        return {"done_at": timezone.now(), **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.done_by = request.user
        super().save_model(request, obj, form, change)

