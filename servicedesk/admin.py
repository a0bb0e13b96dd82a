"""The desk's own screens: the handover book counter page (R-DESK-1), notifications, scheduler."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import admin_auth, admin_axes, selectors, services
from .admin_tools import ReadOnlyInline
from .errors import DomainError
from .forms import HandoverWriteForm
from .models import HandoverEntry, HandoverEvent, HandoverItem, Notification, SchedulerHeartbeat
from .roles import user_has_role


class HandoverItemInline(ReadOnlyInline):
    model = HandoverItem
    fields = readonly_fields = ["text", "status", "carried_from", "closed_by", "closed_at"]


class HandoverEventInline(ReadOnlyInline):
    model = HandoverEvent
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]


@admin.register(HandoverEntry)
class HandoverEntryAdmin(SimpleHistoryAdmin):
    list_display = ["shift_date", "shift", "written_by", "created_at", "acknowledged_by", "acknowledged_at"]
    list_filter = ["shift", "shift_date", ("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["notes", "items__text", "written_by__username"]
    list_select_related = ["written_by", "acknowledged_by"]
    readonly_fields = ["shift_date", "shift", "written_by", "notes", "acknowledged_by", "acknowledged_at", "created_at"]
    inlines = [HandoverItemInline, HandoverEventInline]
    change_list_template = "servicedesk/handover_changelist.html"

    def has_add_permission(self, request):
        return False  # entries are written on the counter page, through the service

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("desk/", self.admin_site.admin_view(self.desk_view), name="%s_%s_desk" % info),
            path("<int:pk>/acknowledge/", self.admin_site.admin_view(self.acknowledge_view),
                 name="%s_%s_acknowledge" % info),
        ] + super().get_urls()

    def desk_view(self, request):
        """The counter page: read what the last shift wrote, acknowledge it, write this shift's entry."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        can_write = request.user.has_perm("servicedesk.add_handoverentry")
        open_items = list(selectors.handover_open_items())
        form = HandoverWriteForm(request.POST or None, open_items=open_items)
        if request.method == "POST":
            if not can_write:
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.handover_write(
                        shift_date=form.cleaned_data["shift_date"], shift=form.cleaned_data["shift"],
                        notes=form.cleaned_data["notes"], new_items=form.new_item_lines(),
                        closed_item_ids=form.closed_ids(), user=request.user,
                    )
                except DomainError as exc:
                    form.add_error(None, f"{exc.detail} ({exc.code})")
                else:
                    messages.success(request, _("Handover entry written."))
                    return redirect("admin:servicedesk_handoverentry_desk")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Shift handover book"),
            "opts": self.opts,
            "awaiting": list(selectors.handover_entries_awaiting_acknowledgement().prefetch_related("items")[:10]),
            "open_items": open_items,
            "form": form,
            "can_write": can_write,
            "can_acknowledge": request.user.has_perm("servicedesk.change_handoverentry"),
        }
        return TemplateResponse(request, "servicedesk/handover_desk.html", context)

    def acknowledge_view(self, request, pk):
        if request.method != "POST" or not request.user.has_perm("servicedesk.change_handoverentry"):
            raise PermissionDenied
        entry = get_object_or_404(HandoverEntry, pk=pk)
        try:
            services.handover_acknowledge(entry=entry, user=request.user)
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        else:
            messages.success(request, _("Handover entry %(entry)s acknowledged.") % {"entry": entry})
        return redirect(reverse("admin:servicedesk_handoverentry_desk"))


@admin.register(HandoverItem)
class HandoverItemAdmin(SimpleHistoryAdmin):
    list_display = ["text", "status", "entry", "closed_by", "closed_at"]
    list_filter = ["status"]
    search_fields = ["text"]
    list_select_related = ["entry", "closed_by"]
    readonly_fields = ["entry", "text", "status", "carried_from", "closed_by", "closed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """My notifications: the title opens the record it is about (and marks it read); the ones whose work
    is done closed themselves (servicedesk.services.notifications_close) and say so."""

    list_display = ["open_link", "state", "created_at", "recipient"]
    list_display_links = None
    list_filter = [("read_at", admin.EmptyFieldListFilter), ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "title", "body", "url", "key", "created_at", "read_at", "done_at", "done_reason"]
    actions = ["mark_read"]
    ordering = ["-created_at", "-id"]
    list_per_page = 50

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if user_has_role(request.user, "admin") else qs.filter(recipient=request.user)  # roles.py decides

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if user_has_role(request.user, "admin") else [name for name in shown if name != "recipient"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("<int:pk>/open/", self.admin_site.admin_view(self.open_view), name="%s_%s_open" % info),
                *super().get_urls()]

    @admin.display(description=gettext_lazy("title"), ordering="title")
    def open_link(self, obj):
        weight = "normal" if obj.read_at else "bold"
        return format_html('<a href="{}" style="font-weight:{}">{}</a>',
                           reverse("admin:servicedesk_notification_open", args=[obj.pk]), weight, obj.title)

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj):
        if obj.done_at:
            return _("Done: %(reason)s") % {"reason": obj.done_reason} if obj.done_reason else _("Done")
        return _("Read") if obj.read_at else _("Unread")

    def open_view(self, request, pk):
        """Open a notification: the recipient's is marked read, then the record it is about opens."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        note = get_object_or_404(self.get_queryset(request), pk=pk)
        if note.recipient_id != request.user.pk:  # the administrator looking at someone's: nothing is marked
            return redirect(reverse("admin:servicedesk_notification_change", args=[note.pk]))
        target = services.notification_open(notification=note, user=request.user)
        return redirect(target or reverse("admin:servicedesk_notification_change", args=[note.pk]))

    @admin.action(description=gettext_lazy("Mark selected as read"))
    def mark_read(self, request, queryset):
        for note in queryset.filter(recipient=request.user, read_at__isnull=True):
            services.notification_mark_read(notification=note, user=request.user)


@admin.register(SchedulerHeartbeat)
class SchedulerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beats", "last_beat_at", "worker"]
    readonly_fields = ["name", "beats", "last_beat_at", "worker"]

    def has_add_permission(self, request):
        return False


# Django's user and group pages and django-axes' records, re-registered in words (issue 15).
admin_auth.register(admin.site)
admin_axes.register(admin.site)
