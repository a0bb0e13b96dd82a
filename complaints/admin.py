"""Back office and counter pages of the complaints desk: fast intake, the ticket page with every R-CMP-3
step, the clock on every list, the handling-form PDF, the R-CMP-7 review with exports."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyInline
from servicedesk.errors import DomainError

from . import forms, pdf, rules, selectors, services
from .choices import TEMPERAMENT_ADVICE, ComplaintStatus, PhraseScene
from .models import (
    Complaint,
    ComplaintEvent,
    ComplaintPolicy,
    Department,
    FollowUp,
    ForbiddenPhrase,
    ReplyPhrase,
    SupplierContact,
)


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
    fields = ["created_at", "type", "from_status", "to_status", "user", "note"]
    readonly_fields = fields


class SupplierContactInline(ReadOnlyInline):
    """R-CMP-5 log (append-only; new contacts are logged on the ticket page)."""

    model = SupplierContact
    fields = ["contacted_at", "supplier", "contact_person", "contact_phone", "goods_taken_back", "summary", "recorded_by"]
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["called_at", "satisfaction", "outcome", "note", "called_by"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(LargeTableAdminMixin, SimpleHistoryAdmin):
    list_display = ["ticket_link", "clock", "status", "escalation_level", "customer_name", "type", "department",
                    "received_at", "flags"]
    list_display_links = None
    list_filter = [OverdueFilter, "status", "type", "department", EscalationLevelFilter, "consumer_association", "serious",
                   "product_safety", "channel", "typical_case", "satisfaction"]
    search_fields = ["number", "customer_name", "phone", "cause"]
    exact_search_fields = ("number", "phone", "card_number")
    list_select_related = ["department"]
    list_per_page = 50
    date_hierarchy = None
    ordering = ["-received_at", "-id"]
    change_list_template = "complaints/complaint_changelist.html"
    inlines = [FollowUpInline, SupplierContactInline, EventInline]

    class Media:
        js = ("complaints/clock.js",)
    readonly_fields = [f.name for f in Complaint._meta.fields if f.name != "id"]

    # --- scoping: a department user sees only its departments' tickets (404 otherwise)
    def get_queryset(self, request):
        return selectors.complaints_visible_to(user=request.user, queryset=super().get_queryset(request))

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

    def has_add_permission(self, request):
        return False  # intake happens on the fast intake page, through the service

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # steps go through the ticket page; the change view is a read-only record

    @admin.display(description=gettext_lazy("number"), ordering="number")
    def ticket_link(self, obj):
        return format_html('<a href="{}" style="white-space:nowrap">{}</a>',
                           reverse("admin:complaints_complaint_ticket", args=[obj.pk]), obj.number)

    @admin.display(description=gettext_lazy("clock"))
    def clock(self, obj):
        return clock_html(obj, self._now)

    @admin.display(description=gettext_lazy("flags"))
    def flags(self, obj):
        marks = [label for flag, label in ((obj.serious, _("serious")), (obj.consumer_association, _("consumer assoc.")),
                                           (obj.product_safety, _("safety"))) if flag]
        return ", ".join(marks)

    def changelist_view(self, request, extra_context=None):
        self._now = timezone.now()
        extra = {"can_intake": request.user.has_perm("complaints.add_complaint"),
                 "can_review": request.user.has_perm("complaints.view_complaint_review"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("intake/", wrap(self.intake_view), name="%s_%s_intake" % info),
            path("review/", wrap(self.review_view), name="%s_%s_review" % info),
            path("review/export.xlsx", wrap(self.review_xlsx_view), name="%s_%s_review_xlsx" % info),
            path("review/export.pdf", wrap(self.review_pdf_view), name="%s_%s_review_pdf" % info),
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
                form.add_error(None, f"{exc.detail} ({exc.code})")
            else:
                messages.success(request, _("Complaint %(number)s recorded; route by %(due)s.") % {
                    "number": c.number, "due": timezone.localtime(c.route_by).strftime("%Y-%m-%d %H:%M")})
                if "save_new" in request.POST:
                    return redirect("admin:complaints_complaint_intake")
                return redirect("admin:complaints_complaint_ticket", c.pk)
        phrases, forbidden = self._phrases()
        return TemplateResponse(request, "complaints/intake.html", self._context(
            request, _("Complaint intake"), form=form, phrases=phrases, forbidden=forbidden))

    # --- the ticket page: every step of R-CMP-3
    STEP_FORMS = {
        "do_record": ("complaints.change_complaint", forms.RecordForm),
        "do_route": ("complaints.route_complaint", forms.RouteForm),
        "do_feedback": ("complaints.answer_feedback", forms.FeedbackForm),
        "do_approve": ("complaints.approve_handling", forms.ApproveForm),
        "do_send_back": ("complaints.approve_handling", forms.ApproveForm),
        "do_notify": ("complaints.record_followup", forms.NotifyForm),
        "do_carry_out": (None, forms.CarryOutForm),
        "do_followup": ("complaints.record_followup", forms.FollowUpForm),
        "do_reopen": ("complaints.route_complaint", forms.ReopenForm),
        "do_supplier": ("complaints.add_suppliercontact", forms.SupplierContactForm),
    }

    def _run_step(self, request, c, step, form):
        d, user = form.cleaned_data, request.user
        if step == "do_record":
            return services.complaint_update_record(complaint=c, user=user, **d)
        if step == "do_route":
            return services.complaint_route(complaint=c, user=user, valid=d["valid"], department=d["department"],
                                            opinion=d["opinion"], reply=d["reply"])
        if step == "do_feedback":
            return services.complaint_feedback(complaint=c, user=user, investigation=d["investigation"], result=d["result"],
                                               proposed_handling=d["proposed_handling"])
        if step == "do_approve":
            return services.complaint_approve(complaint=c, user=user, instruction=d["instruction"])
        if step == "do_send_back":
            return services.complaint_send_back(complaint=c, user=user, instruction=d["instruction"])
        if step == "do_notify":
            return services.complaint_notify_customer(complaint=c, user=user, reply=d["reply"])
        if step == "do_carry_out":
            return services.complaint_carry_out(complaint=c, user=user, note=d["note"])
        if step == "do_followup":
            return services.complaint_followup(complaint=c, user=user, satisfaction=d["satisfaction"], note=d["note"],
                                               outcome=d["outcome"])
        if step == "do_reopen":
            return services.complaint_reopen(complaint=c, user=user, note=d["note"])
        if step == "do_supplier":
            return services.supplier_contact_log(complaint=c, user=user, **d)
        raise PermissionDenied

    def ticket_view(self, request, pk):
        qs = self.get_queryset(request).select_related("department", "receipt", "recorded_by", "routed_by", "answered_by",
                                                       "approved_by")
        c = get_object_or_404(qs, pk=pk)
        user = request.user
        bound: dict[str, object] = {}
        if request.method == "POST":
            if "do_typical" in request.POST:
                try:
                    services.complaint_mark_typical(complaint=c, user=user, typical=request.POST.get("typical") == "1")
                except DomainError as exc:
                    raise PermissionDenied(exc.detail)
                return redirect("admin:complaints_complaint_ticket", c.pk)
            step = next((name for name in self.STEP_FORMS if name in request.POST), None)
            if step is None:
                raise PermissionDenied
            perm, form_class = self.STEP_FORMS[step]
            if perm and not user.has_perm(perm):
                raise PermissionDenied
            form = form_class(request.POST)
            bound[step] = form
            if form.is_valid():
                try:
                    self._run_step(request, c, step, form)
                except DomainError as exc:
                    form.add_error(None, f"{exc.detail} ({exc.code})")
                else:
                    messages.success(request, _("%(number)s: done.") % {"number": c.number})
                    return redirect("admin:complaints_complaint_ticket", c.pk)
        allowed = set(rules.allowed_actions(c.status))
        is_dept_staff = c.department_id is not None and c.department.staff.filter(pk=user.pk).exists()
        steps = []

        def offer(name, title, condition):
            if condition:
                perm, form_class = self.STEP_FORMS[name]
                steps.append({"name": name, "title": title, "form": bound.get(name) or form_class()})

        offer("do_route", _("Judge and route (R-CMP-2)"),
              {"route_valid", "route_invalid"} & allowed and user.has_perm("complaints.route_complaint"))
        offer("do_feedback", _("Department feedback: cause analysis and proposal"),
              "feedback" in allowed and user.has_perm("complaints.answer_feedback")
              and (is_dept_staff or selectors.sees_all_complaints(user)))
        offer("do_approve", _("Approve the handling"), "approve" in allowed and user.has_perm("complaints.approve_handling"))
        if "do_send_back" in bound:
            bound["do_approve"] = bound["do_send_back"]
        offer("do_notify", _("Notify the customer"), "notify_customer" in allowed and user.has_perm("complaints.record_followup"))
        offer("do_carry_out", _("Carry out the handling"), "carry_out" in allowed
              and (user.has_perm("complaints.record_followup") or is_dept_staff))
        offer("do_followup", _("Follow-up call (回访)"),
              "followup_close" in allowed and user.has_perm("complaints.record_followup"))
        offer("do_reopen", _("Reopen"), "reopen" in allowed and user.has_perm("complaints.route_complaint"))
        if "do_record" not in bound and c.status != ComplaintStatus.CLOSED:
            bound["do_record"] = forms.RecordForm(initial={name: getattr(c, name) for name in services.RECORD_FIELDS})
        offer("do_record", _("Complete or correct the record (R-CMP-1)"),
              c.status != ComplaintStatus.CLOSED and user.has_perm("complaints.change_complaint"))
        offer("do_supplier", _("Log a supplier contact (R-CMP-5)"), user.has_perm("complaints.add_suppliercontact"))
        phrases, forbidden = self._phrases()
        now = timezone.now()
        context = self._context(
            request, c.number, complaint=c, clock=clock_html(c, now), steps=steps,
            advice=TEMPERAMENT_ADVICE.get(c.temperament, ""),
            approval_level=rules.approval_level(serious=c.serious, consumer_association=c.consumer_association,
                                                product_safety=c.product_safety, escalation_level=c.escalation_level),
            events=c.events.select_related("user"), contacts=c.supplier_contacts.select_related("recorded_by"),
            followups=c.followups.select_related("called_by"), phrases=phrases, forbidden=forbidden,
            can_mark_typical=user.has_perm("complaints.mark_typical_case"),
        )
        return TemplateResponse(request, "complaints/ticket.html", context)

    def forms_pdf_view(self, request, pk):
        qs = self.get_queryset(request).select_related("department", "recorded_by", "answered_by", "approved_by")
        c = get_object_or_404(qs, pk=pk)
        response = HttpResponse(pdf.complaint_forms_pdf(c), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{c.number}.pdf"'
        return response

    # --- review (R-CMP-7)
    def _review_data(self, request):
        if not request.user.has_perm("complaints.view_complaint_review"):
            raise PermissionDenied
        today = timezone.localdate()
        form = forms.ReviewPeriodForm(request.GET or None)
        year, month, week_day = today.year, today.month, today
        if form.is_valid():
            if form.cleaned_data.get("month"):
                try:
                    year, month = (int(x) for x in form.cleaned_data["month"].split("-")[:2])
                    dt.date(year, month, 1)
                except ValueError:
                    form.add_error("month", _("Use YYYY-MM."))
                    year, month = today.year, today.month
            week_day = form.cleaned_data.get("week") or week_day
        review = selectors.complaints_monthly_review(year=year, month=month)
        week_start, week_end, week_cases = selectors.complaints_week(day=week_day)
        return form, review, week_start, list(week_cases), selectors.complaints_week_counts(start=week_start, end=week_end)

    def review_view(self, request):
        form, review, week_start, week_cases, week_counts = self._review_data(request)
        query = request.GET.urlencode()
        return TemplateResponse(request, "complaints/review.html", self._context(
            request, _("Complaint review"), form=form, review=review, week_start=week_start, week_cases=week_cases,
            week_counts=week_counts, query=query))

    def _labels(self):
        return {"title": _("Complaint review"), "total": _("Received"), "closed": _("Closed"), "escalated": _("Escalated"),
                "ca": _("Consumer association"), "median_route": _("Median hours to route"),
                "median_close": _("Median hours to close"), "by_type": _("By type"), "by_department": _("By department"),
                "by_satisfaction": _("Satisfaction"), "week": _("Week of"),
                "case_columns": [_("Number"), _("Department"), _("Cause"), _("Handling"), _("Status")]}

    def review_pdf_view(self, request):
        _form, review, week_start, week_cases, week_counts = self._review_data(request)
        body = pdf.review_pdf(review=review, week_start=week_start, week_cases=week_cases, week_counts=week_counts,
                              labels=self._labels())
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="complaints-{review.start:%Y-%m}.pdf"'
        return response

    def review_xlsx_view(self, request):
        from openpyxl import Workbook

        _form, review, week_start, week_cases, week_counts = self._review_data(request)
        labels = self._labels()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(f"{review.start:%Y-%m}")
        ws.append([labels["title"], f"{review.start:%Y-%m}"])
        ws.append([labels["total"], review.total])
        ws.append([labels["closed"], review.closed])
        ws.append([labels["escalated"], review.escalated])
        ws.append([labels["ca"], review.consumer_association])
        ws.append([labels["median_route"], review.median_hours_to_route])
        ws.append([labels["median_close"], review.median_hours_to_close])
        for heading, bars in ((labels["by_type"], review.by_type), (labels["by_department"], review.by_department),
                              (labels["by_satisfaction"], review.by_satisfaction)):
            ws.append([])
            ws.append([heading])
            for bar in bars:
                ws.append([bar.label, bar.count])
        week = wb.create_sheet(f"{labels['week']} {week_start:%Y-%m-%d}")
        week.append(labels["case_columns"] + [_("Received at"), _("Escalation level"), _("Satisfaction")])
        for c in week_cases:
            week.append([c.number, c.department.name if c.department_id else "", c.cause, c.proposed_handling or c.reply,
                         c.get_status_display(), timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
                         c.escalation_level, c.get_satisfaction_display()])
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(buf.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="complaints-{review.start:%Y-%m}.xlsx"'
        return response


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "feedback_hours", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["staff"]

    def has_add_permission(self, request):
        return request.user.has_perm("complaints.manage_departments")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("complaints.manage_departments")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "routing_hours", "escalation_hours"]

    def has_add_permission(self, request):
        return request.user.has_perm("complaints.manage_clock_policy")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("complaints.manage_clock_policy")

    def has_delete_permission(self, request, obj=None):
        return False


class PhraseAdminBase(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return request.user.has_perm("complaints.manage_phrases")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("complaints.manage_phrases")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("complaints.manage_phrases")


@admin.register(ReplyPhrase)
class ReplyPhraseAdmin(PhraseAdminBase):
    list_display = ["text", "scene", "sort", "active"]
    list_filter = ["scene", "active"]
    search_fields = ["text"]


@admin.register(ForbiddenPhrase)
class ForbiddenPhraseAdmin(PhraseAdminBase):
    list_display = ["text", "kind", "instead", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["text", "instead"]


@admin.register(SupplierContact)
class SupplierContactAdmin(LargeTableAdminMixin, admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
