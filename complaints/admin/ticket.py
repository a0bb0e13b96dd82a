"""The tickets: fast intake, the ticket page with every R-CMP-3 step, the clock on every list (computed
per request: nothing is kept on the shared ModelAdmin), the handling-form PDF, the supplier-contact log.
Complainants' phones are masked here as everywhere (complaints.view_unmasked, every full view logged)."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline
from servicedesk.errors import DomainError
from servicedesk.privacy import mask_phone
from servicedesk.responses import pdf_response

from .. import forms, pdf, rules, selectors, services
from ..choices import TEMPERAMENT_ADVICE, ComplaintStatus, PhraseScene
from ..models import Complaint, ComplaintEvent, FollowUp, ForbiddenPhrase, ReplyPhrase, SupplierContact
from ..ordering import TIME_LEFT_ORDER, clock_due_expression
from .review import ReviewPagesMixin


def clock_html(complaint: Complaint, now: dt.datetime) -> str:
    """The running clock as a countdown, red when overdue (R-CMP-2)."""
    due = complaint.due_at
    if due is None:
        return mark_safe('<span class="desk-muted">—</span>')  # noqa: S308 - constant markup
    left = rules.remaining(due_at=due, now=now)
    text = rules.format_remaining(left)
    local = timezone.localtime(due).strftime("%m-%d %H:%M")
    if left.total_seconds() < 0:
        return format_html('<span class="cmp-clock cmp-overdue" data-due="{}" title="{}" style="color:#ba2121;font-weight:bold">'
                           '{} ⚠</span>', due.isoformat(), local, text)
    return format_html('<span class="cmp-clock" data-due="{}" title="{}">{}</span>', due.isoformat(), local, text)


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("clock")
    parameter_name = "clock"

    def lookups(self, request, model_admin):
        return [("overdue", gettext_lazy("Overdue")), ("running", gettext_lazy("Clock running"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        routing = queryset.filter(status=ComplaintStatus.AWAITING_ROUTING)
        feedback = queryset.filter(status=ComplaintStatus.AWAITING_FEEDBACK)
        if self.value() == "overdue":
            return routing.filter(route_by__lte=now) | feedback.filter(feedback_by__lte=now)
        if self.value() == "running":
            return routing | feedback
        return queryset


class EscalationLevelFilter(admin.SimpleListFilter):
    """Fixed lookups: the default filter runs SELECT DISTINCT over the whole table (100 ms at 200k rows)."""

    title = gettext_lazy("escalation level")
    parameter_name = "escalation_level"

    def lookups(self, request, model_admin):
        return [("0", gettext_lazy("0 none")), ("1", gettext_lazy("1 desk supervisor")),
                ("2", gettext_lazy("2 operations manager"))]

    def queryset(self, request, queryset):
        return queryset.filter(escalation_level=int(self.value())) if self.value() in {"0", "1", "2"} else queryset


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    # The statuses read as their labels (待分派 / Awaiting routing), not the stored codes (issue 15).
    fields = ["created_at", "type", "from_status_display", "to_status_display", "user", "note"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("from"))
    def from_status_display(self, obj):
        return obj.from_status_label

    @admin.display(description=gettext_lazy("to"))
    def to_status_display(self, obj):
        return obj.to_status_label


class SupplierContactInline(ReadOnlyInline):
    """R-CMP-5 log (append-only; new contacts are logged on the ticket page)."""

    model = SupplierContact
    fields = ["contacted_at", "supplier", "contact_person", "contact_phone", "goods_taken_back", "summary", "recorded_by"]
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["called_at", "satisfaction", "outcome", "note", "called_by"]
    readonly_fields = fields


def form_error(form, exc: DomainError) -> None:
    """A service's refusal on the form: on the field it names when the form has it, else at the top."""
    message = f"{exc.detail} ({exc.code})"
    named = [name for name in exc.fields if name in form.fields]
    if not named:
        form.add_error(None, message)
    for name in named:
        form.add_error(name, message)


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The history list's old → new values show the complainant's phone masked."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "phone" and value:
            return mask_phone(str(value))
        return super().prepare_delta_change_value(change, value)


_RECORD_FIELDS = [f.name for f in Complaint._meta.fields if f.name != "id"]


@admin.register(Complaint)
class ComplaintAdmin(ReviewPagesMixin, LargeTableAdminMixin, SimpleHistoryAdmin):
    list_display = ["ticket_link", "clock", "status", "escalation_level", "customer_name", "type", "department",
                    "received_at", "flags"]
    list_display_links = None
    list_filter = [OverdueFilter, "status", "type", "department", EscalationLevelFilter, "consumer_association", "serious",
                   "product_safety", "channel", "typical_case", "satisfaction"]
    # The desk finds a ticket by the customer's full phone number (exact, indexed), although it shows masked.
    search_fields = ["number", "customer_name", "phone", "cause"]
    exact_search_fields = ("number", "phone", "card_number")
    list_select_related = ["department"]
    list_per_page = 50
    date_hierarchy = None
    ordering = ["-received_at", "-id"]  # see get_ordering
    change_list_template = "complaints/complaint_changelist.html"
    inlines = [FollowUpInline, SupplierContactInline, EventInline]

    class Media:
        js = ("complaints/clock.js",)
    # The read-only record shows the phone masked for everyone (the ticket page shows it in full to
    # complaints.view_unmasked holders, logged).
    fields = ["phone_masked" if name == "phone" else name for name in _RECORD_FIELDS]
    readonly_fields = fields

    def get_ordering(self, request):
        """Time left first (issue 15): the running clocks soonest due (overdue ones first, most overdue on
        top), then the tickets with no clock running, newest first. `clock_due` is annotated by get_queryset."""
        return list(TIME_LEFT_ORDER)

    # --- scoping: a department user sees only its departments' tickets (404 otherwise)
    def get_queryset(self, request):
        qs = selectors.complaints_visible_to(user=request.user, queryset=super().get_queryset(request))
        return qs.annotate(clock_due=clock_due_expression())

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _check_visible(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the historical record when the object is outside get_queryset()
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)

    def has_add_permission(self, request):
        return False  # intake happens on the fast intake page, through the service

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # steps go through the ticket page; the change view is a read-only record

    @admin.display(description=gettext_lazy("contact phone"))
    def phone_masked(self, obj):
        return obj.masked_phone

    @admin.display(description=gettext_lazy("number"), ordering="number")
    def ticket_link(self, obj):
        return format_html('<a href="{}" style="white-space:nowrap">{}</a>',
                           reverse("admin:complaints_complaint_ticket", args=[obj.pk]), obj.number)

    @admin.display(description=gettext_lazy("clock"), ordering="clock_due")
    def clock(self, obj):
        return clock_html(obj, timezone.now())  # outside a list request; a list uses get_list_display's

    def get_list_display(self, request):
        """The clock column reads one `now` per request, held by this request's own column function (a
        ModelAdmin is shared by every request and thread: nothing request-specific is stored on it)."""
        now = timezone.now()

        @admin.display(description=gettext_lazy("clock"), ordering="clock_due")
        def clock(obj):
            return clock_html(obj, now)

        return [clock if name == "clock" else name for name in super().get_list_display(request)]

    @admin.display(description=gettext_lazy("flags"))
    def flags(self, obj):
        marks = [label for flag, label in ((obj.serious, _("serious")), (obj.consumer_association, _("consumer assoc.")),
                                           (obj.product_safety, _("safety"))) if flag]
        return ", ".join(marks)

    def changelist_view(self, request, extra_context=None):
        extra = {"can_intake": request.user.has_perm("complaints.add_complaint"),
                 "can_review": request.user.has_perm("complaints.view_complaint_review"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("intake/", wrap(self.intake_view), name="%s_%s_intake" % info),
            *self.review_urls(wrap, info),
            path("<int:pk>/ticket/", wrap(self.ticket_view), name="%s_%s_ticket" % info),
            path("<int:pk>/forms.pdf", wrap(self.forms_pdf_view), name="%s_%s_pdf" % info),
        ] + super().get_urls()

    def _context(self, request, title, **kwargs):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.opts, **kwargs}

    def _phrases(self):
        scenes = dict(PhraseScene.choices)
        order = {scene: i for i, scene in enumerate(PhraseScene.values)}  # the order of a conversation, greeting first
        phrases = sorted(ReplyPhrase.objects.filter(active=True), key=lambda p: (order.get(p.scene, 99), p.sort, p.pk))
        return [(scenes.get(p.scene, p.scene), p) for p in phrases], list(ForbiddenPhrase.objects.filter(active=True))

    # --- fast intake (R-CMP-1)
    def intake_view(self, request):
        if not request.user.has_perm("complaints.add_complaint"):
            raise PermissionDenied
        form = forms.IntakeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            receipt = data.pop("receipt_number")
            try:
                c = services.complaint_receive(user=request.user, receipt=receipt, **data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Complaint %(number)s recorded; route by %(due)s.") % {
                    "number": c.number, "due": timezone.localtime(c.route_by).strftime("%Y-%m-%d %H:%M")})
                if "save_new" in request.POST:
                    return redirect("admin:complaints_complaint_intake")
                return redirect("admin:complaints_complaint_ticket", c.pk)
        phrases, forbidden = self._phrases()
        return TemplateResponse(request, "complaints/intake.html", self._context(
            request, _("Complaint intake"), form=form, phrases=phrases, forbidden=forbidden))

    # --- the ticket page: every step of R-CMP-3 (which steps, and what they do, is the services' call)
    STEP_FORMS = {  # submit button → (service step, form)
        "do_record": ("record", forms.RecordForm),
        "do_route": ("route", forms.RouteForm),
        "do_feedback": ("feedback", forms.FeedbackForm),
        "do_approve": ("approve", forms.ApproveForm),
        "do_send_back": ("send_back", forms.ApproveForm),
        "do_notify": ("notify", forms.NotifyForm),
        "do_carry_out": ("carry_out", forms.CarryOutForm),
        "do_followup": ("followup", forms.FollowUpForm),
        "do_reopen": ("reopen", forms.ReopenForm),
        "do_supplier": ("supplier", forms.SupplierContactForm),
    }
    STEP_TITLES = {
        "do_route": gettext_lazy("Judge and route (R-CMP-2)"),
        "do_feedback": gettext_lazy("Department feedback: cause analysis and proposal"),
        "do_approve": gettext_lazy("Approve the handling"),
        "do_notify": gettext_lazy("Notify the customer"),
        "do_carry_out": gettext_lazy("Carry out the handling"),
        "do_followup": gettext_lazy("Follow-up call (回访)"),
        "do_reopen": gettext_lazy("Reopen"),
        "do_record": gettext_lazy("Complete or correct the record (R-CMP-1)"),
        "do_supplier": gettext_lazy("Log a supplier contact (R-CMP-5)"),
    }

    def _visible_ticket(self, request, pk, *related):
        """403 for a role that reads no complaints; 404 for a ticket outside the user's departments."""
        if not request.user.has_perm("complaints.view_complaint"):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request).select_related(*related), pk=pk)

    def ticket_view(self, request, pk):
        c = self._visible_ticket(request, pk, "department", "receipt", "recorded_by", "routed_by", "answered_by",
                                 "approved_by")
        user = request.user
        bound: dict[str, object] = {}
        if request.method == "POST":
            if "do_typical" in request.POST:
                try:
                    services.complaint_mark_typical(complaint=c, user=user, typical=request.POST.get("typical") == "1")
                except DomainError as exc:
                    raise PermissionDenied(exc.detail) from exc
                return redirect("admin:complaints_complaint_ticket", c.pk)
            button = next((name for name in self.STEP_FORMS if name in request.POST), None)
            if button is None:
                raise PermissionDenied
            step, form_class = self.STEP_FORMS[button]
            perm = rules.TICKET_STEP_PERMISSIONS[step]
            if perm and not user.has_perm(perm):
                raise PermissionDenied
            form = form_class(request.POST)
            bound[button] = form
            if form.is_valid():
                try:
                    services.complaint_step(complaint=c, user=user, step=step, data=form.cleaned_data)
                except DomainError as exc:
                    form_error(form, exc)
                else:
                    messages.success(request, _("%(number)s: done.") % {"number": c.number})
                    return redirect("admin:complaints_complaint_ticket", c.pk)
        if "do_send_back" in bound:
            bound["do_approve"] = bound["do_send_back"]
        phone = selectors.complaint_phone_for(complaint=c, user=user, context="ticket page")
        if "do_record" not in bound:
            initial = {name: getattr(c, name) for name in services.RECORD_FIELDS}
            bound["do_record"] = forms.RecordForm(initial={**initial, "phone": phone})
        offered = set(selectors.ticket_steps_for(complaint=c, user=user))
        steps = [{"name": button, "title": title, "form": bound.get(button) or self.STEP_FORMS[button][1]()}
                 for button, title in self.STEP_TITLES.items() if self.STEP_FORMS[button][0] in offered]
        phrases, forbidden = self._phrases()
        context = self._context(
            request, c.number, complaint=c, phone=phone, clock=clock_html(c, timezone.now()), steps=steps,
            advice=TEMPERAMENT_ADVICE.get(c.temperament, ""),
            approval_level=rules.approval_level(serious=c.serious, consumer_association=c.consumer_association,
                                                product_safety=c.product_safety, escalation_level=c.escalation_level),
            events=c.events.select_related("user"), contacts=c.supplier_contacts.select_related("recorded_by"),
            followups=c.followups.select_related("called_by"), phrases=phrases, forbidden=forbidden,
            can_mark_typical=user.has_perm("complaints.mark_typical_case"),
        )
        return TemplateResponse(request, "complaints/ticket.html", context)

    def forms_pdf_view(self, request, pk):
        c = self._visible_ticket(request, pk, "department", "recorded_by", "answered_by", "approved_by")
        phone = selectors.complaint_phone_for(complaint=c, user=request.user, context="forms PDF")
        return pdf_response(pdf.complaint_forms_pdf(c, phone=phone), filename=f"{c.number}.pdf")


@admin.register(SupplierContact)
class SupplierContactAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """R-CMP-5 log across tickets (append-only, read-only here)."""

    list_display = ["complaint", "supplier", "contacted_at", "goods_taken_back", "recorded_by"]
    list_filter = ["goods_taken_back"]
    search_fields = ["supplier", "complaint__number"]
    exact_search_fields = ("complaint__number",)
    list_select_related = ["complaint", "recorded_by"]
    readonly_fields = ["complaint", "supplier", "contact_person", "contact_phone", "contacted_at", "goods_taken_back",
                       "summary", "recorded_by", "created_at"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        visible = selectors.complaints_visible_to(user=request.user)
        return qs if selectors.sees_all_complaints(request.user) else qs.filter(complaint__in=visible)
