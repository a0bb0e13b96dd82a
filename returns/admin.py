"""Back office of returns: the counter page (create a slip from a receipt with the live explanation), the
approval queue (one-click approve / reject), signing on the slip page, the slip PDF, the monthly list of
store-at-fault returns by responsible party (R-RET-9) and the effective-dated policy."""

from __future__ import annotations

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from receipts.choices import PaymentMethod
from receipts.models import Receipt
from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyInline, confirmation_page, confirmed, readable_parameters
from servicedesk.errors import Conflict, DomainError, NotAllowed

from . import explain, rules, selectors, services
from .choices import ApprovalLevel, ReturnStatus, SignStep
from .forms import ReceiptLookupForm, RejectForm, ReturnCounterForm, ReturnPolicyForm
from .models import ReturnClawback, ReturnEvent, ReturnLine, ReturnPolicy, ReturnRequest
from .pdf import return_slip_response


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(SimpleHistoryAdmin):
    """Edit the numbers by adding a row effective from a date; slips keep the row they were decided by. The
    category rules are edited per category (ReturnPolicyForm), not as JSON."""

    form = ReturnPolicyForm

    list_display = ["effective_from", "high_value_unit_price", "price_change_days", "approval_threshold",
                    "point_cash_value_dept", "point_cash_value_market", "note"]
    search_fields = ["note"]
    list_filter = ["effective_from"]

    def has_add_permission(self, request):
        # The matrix gives desk roles returns.add_* for slips; the policy itself is the administrators'.
        return request.user.has_perm("returns.change_returnpolicy")

    def has_delete_permission(self, request, obj=None):
        return False


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = readonly_fields = ["receipt_line", "quantity", "paid_unit_price", "refund_unit_price", "refund_amount",
                                "rules_applied"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("receipt_line")

    @admin.display(description=gettext_lazy("rules applied"))
    def rules_applied(self, obj):
        return ", ".join(obj.rules or []) or "—"


class ReturnClawbackInline(ReadOnlyInline):
    model = ReturnClawback
    fields = readonly_fields = ["source", "description", "reference", "points", "reversed_points", "shortfall_points",
                                "cash_amount", "created_at"]


def _param_labels() -> dict:
    labels = {name: field.label for name, field in ReturnCounterForm.base_fields.items()
              if name in services.CONDITION_KEYS}
    return {**labels, "rules": _("rules"), "refund_amount": _("refund"), "status": _("status"), "reason": _("reason"),
            "items": _("clawed back"), "source": _("source"), "points": _("points"), "reversed_points": _("reversed"),
            "shortfall_points": _("already spent"), "cash_amount": _("deducted"), "clean": _("Clean"),
            "approval_level": _("approval level")}


def _param_values() -> dict:
    return {"status": dict(ReturnStatus.choices), "source": {"points": _("points"), "gifts": _("gifts")},
            "approval_level": dict(ApprovalLevel.choices)}


class ReturnEventInline(ReadOnlyInline):
    model = ReturnEvent
    fields = readonly_fields = ["created_at", "type", "user", "details"]

    @admin.display(description=gettext_lazy("details"))
    def details(self, obj):
        return readable_parameters(obj.parameters, labels=_param_labels(), values=_param_values())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(ReturnRequest)
class ReturnRequestAdmin(LargeTableAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "status", "reason", "receipt", "refund_amount", "clawback_amount", "approval_level",
                    "created_by", "created_at"]
    list_filter = ["status", "reason", "kind", "approval_level", "created_at"]
    search_fields = ["number", "responsible_counter", "responsible_salesperson"]
    list_select_related = ["receipt", "created_by"]
    date_hierarchy = None
    inlines = [ReturnLineInline, ReturnClawbackInline, ReturnEventInline]
    change_list_template = "returns/returnrequest_changelist.html"
    change_form_template = "returns/returnrequest_change_form.html"
    readonly_fields = ["number", "status", "receipt", "policy", "kind", "reason", "condition_checked",
                       "quality_report_ref", "rules_applied", "explanation_words", "refund_amount", "clawback_amount",
                       "points_reversed", "approval_level", "refund_by", "responsible_counter", "responsible_salesperson",
                       "created_by", "created_at",
                       "counter_checked_by", "counter_checked_at", "approved_by", "approved_at", "loss_prevention_by",
                       "loss_prevention_at", "refunded_by", "refunded_at", "rejected_by", "rejected_at", "reject_reason"]
    fields = readonly_fields

    @admin.display(description=gettext_lazy("condition of the goods"))
    def condition_checked(self, obj):
        return readable_parameters(obj.condition, labels=_param_labels())

    @admin.display(description=gettext_lazy("explanation"))
    def explanation_words(self, obj):
        """说明 in the reader's language, one finding a line (rendered from the slip's findings)."""
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in explain.slip_explanation(obj))) or "—"

    @admin.display(description=gettext_lazy("rules applied"))
    def rules_applied(self, obj):
        return ", ".join(obj.rules or []) or "—"

    @admin.display(description=gettext_lazy("refund by"))
    def refund_by(self, obj):
        return PaymentMethod(obj.payment_method).label if obj.payment_method in PaymentMethod.values else obj.payment_method

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "receipt", "policy", "created_by", "counter_checked_by", "approved_by", "loss_prevention_by",
            "refunded_by", "rejected_by")

    def get_search_results(self, request, queryset, search_term):
        """Exact slip number, then exact receipt number (each on its own index), before any icontains."""
        term = search_term.strip()
        if term:
            for condition in ({"number": term}, {"receipt__side__in": ["dept", "market"], "receipt__number": term}):
                exact = queryset.filter(**condition)
                if exact.exists():
                    return exact, False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False  # slips are filled on the counter page, through the service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("counter/", view(self.counter_view), name="%s_%s_counter" % info),
            path("queue/", view(self.queue_view), name="%s_%s_queue" % info),
            path("responsibility/", view(self.responsibility_view), name="%s_%s_responsibility" % info),
            path("<int:pk>/sign/", view(self.sign_view), name="%s_%s_sign" % info),
            path("<int:pk>/reject/", view(self.reject_view), name="%s_%s_reject" % info),
            path("<int:pk>/slip.pdf", view(self.slip_view), name="%s_%s_slip" % info),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rr = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if rr is not None:
            perms = services.user_sign_perms(request.user)
            extra["sign_steps"] = [
                (step, SignStep(step).label) for step, t in rules.SIGN_STEPS.items()
                if rules.sign_refusal(step=step, status=rr.status, approval_level=rr.approval_level,
                                      is_creator=rr.created_by_id == request.user.pk, perms=perms) is None
                and t.source == rr.status]
            # R-RET-11: an approver who may not sign this slip is told why and who signs instead
            extra["sign_blocked"] = services.approve_blocked_reason(return_request=rr, user=request.user)
            extra["can_reject"] = rules.REJECTABLE.get(rr.status) in perms and not extra["sign_blocked"]
        return super().change_view(request, object_id, form_url, extra_context=extra)

    # ---- the counter page -------------------------------------------------------------------------------
    def counter_view(self, request):
        if not request.user.has_perm("returns.add_returnrequest"):
            raise PermissionDenied
        lookup = ReceiptLookupForm(request.GET or None)
        receipt = form = None
        if request.method == "POST":
            receipt = Receipt.objects.filter(side=request.POST.get("side"), number=request.POST.get("number")).first()
            if receipt is None:
                messages.error(request, _("No such receipt."))
                return redirect(reverse("admin:returns_returnrequest_counter"))
        elif lookup.is_valid():
            receipt = selectors.receipt_for_return(side=lookup.cleaned_data["side"],
                                                   number=lookup.cleaned_data["number"].strip())
            if receipt is None:
                lookup.add_error("number", _("R-RET-1: no till receipt with this number — no return without proof."))
        if receipt is not None:
            returned = selectors.returned_quantities(receipt=receipt)
            form = ReturnCounterForm(request.POST or None, receipt=receipt, returned=returned)
            if request.method == "POST" and form.is_valid():
                d = form.cleaned_data
                try:
                    rr = services.return_create(
                        side=receipt.side, number=receipt.number, lines=form.chosen_lines(), reason=d["reason"],
                        kind=d["kind"], condition=form.condition(), quality_report_ref=d["quality_report_ref"],
                        current_unit_price=d["current_unit_price"], responsible_counter=d["responsible_counter"],
                        responsible_salesperson=d["responsible_salesperson"], user=request.user)
                except DomainError as exc:
                    form.add_error(None, f"{exc.detail} ({exc.code})")
                else:
                    messages.success(request, _("Return slip %(number)s created: the counter checks the goods next.")
                                     % {"number": rr.number})
                    return redirect(reverse("admin:returns_returnrequest_change", args=[rr.pk]))
        context = {
            **self.admin_site.each_context(request), "title": _("Return at the counter"), "opts": self.opts,
            "lookup": lookup, "receipt": receipt, "form": form,
            "receipt_lines": list(receipt.lines.all()) if receipt else [],
            "quote_url": reverse("returns-api:returnrequest-quote"),
            "approval_levels": ApprovalLevel.choices,  # the live quote names the approver by its label
        }
        return TemplateResponse(request, "returns/counter.html", context)

    # ---- the approval queue ------------------------------------------------------------------------------
    def queue_view(self, request):
        if not request.user.has_perm("returns.approve_return"):
            raise PermissionDenied
        qs = selectors.returns_awaiting_approval(user=request.user).prefetch_related("lines__receipt_line")
        page = Paginator(qs, 50).get_page(request.GET.get("p"))
        context = {**self.admin_site.each_context(request), "title": _("Returns awaiting my approval"),
                   "opts": self.opts, "page": page, "reject_form": RejectForm()}
        return TemplateResponse(request, "returns/queue.html", context)

    def _back(self, request, rr):
        target = request.POST.get("next") or ""
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect(reverse("admin:returns_returnrequest_change", args=[rr.pk]))

    def sign_view(self, request, pk):
        if request.method != "POST":
            raise PermissionDenied
        rr = get_object_or_404(ReturnRequest.objects.select_related("receipt"), pk=pk)
        step = request.POST.get("step", "")
        if (step == "refund" and rr.status == ReturnStatus.AWAITING_REFUND and not confirmed(request)
                and request.user.has_perm("returns.refund_return")):
            return self._refund_confirm(request, rr)
        try:
            rr = services.return_sign(return_request=rr, step=step, user=request.user)
        except NotAllowed as exc:
            raise PermissionDenied(exc.detail) from exc  # wrong role, creator, over-limit approver: 403
        except Conflict as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        else:
            messages.success(request, _("%(number)s: %(status)s.") % {"number": rr.number,
                                                                      "status": rr.get_status_display()})
        return self._back(request, rr)

    def _refund_confirm(self, request, rr: ReturnRequest):
        """The cashier sees the money before paying it out (R-RET-12, R-RET-13): nothing is written yet."""
        method = PaymentMethod(rr.payment_method).label if rr.payment_method in PaymentMethod.values else rr.payment_method
        lines = [(_("Slip"), rr.number), (_("Receipt"), str(rr.receipt)),
                 (_("Goods refund"), f"{rr.refund_amount:.2f}"), (_("Deducted (R-RET-13)"), f"{rr.clawback_amount:.2f}"),
                 (_("Pay back now"), f"{rr.net_refund:.2f}"), (_("Refund by"), str(method))]
        return confirmation_page(request, title=_("Pay out the refund?"), lines=lines,
                                 action_url=reverse("admin:returns_returnrequest_sign", args=[rr.pk]),
                                 cancel_url=reverse("admin:returns_returnrequest_change", args=[rr.pk]),
                                 confirm_label=_("Refund %(amount)s") % {"amount": f"{rr.net_refund:.2f}"})

    def reject_view(self, request, pk):
        if request.method != "POST":
            raise PermissionDenied
        rr = get_object_or_404(ReturnRequest, pk=pk)
        try:
            rr = services.return_reject(return_request=rr, user=request.user, reason=request.POST.get("reason", ""))
        except NotAllowed as exc:
            raise PermissionDenied(exc.detail) from exc
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        else:
            messages.success(request, _("%(number)s rejected.") % {"number": rr.number})
        return self._back(request, rr)

    def slip_view(self, request, pk):
        if not request.user.has_perm("returns.view_returnrequest"):
            raise PermissionDenied
        return return_slip_response(pk=pk)

    # ---- R-RET-9 monthly list ------------------------------------------------------------------------------
    def responsibility_view(self, request):
        if not request.user.has_perm("returns.view_returnrequest"):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            year, month = (int(x) for x in request.GET.get("month", f"{today:%Y-%m}").split("-"))
            first = date(year, month, 1)
        except ValueError:
            first = today.replace(day=1)
        reasons = dict(ReturnRequest._meta.get_field("reason").choices)
        rows = [{**row, "reason": reasons.get(row["reason"], row["reason"])}  # its label, not the code (issue 15)
                for row in selectors.returns_by_responsible(year=first.year, month=first.month)]
        context = {**self.admin_site.each_context(request), "title": _("Store-at-fault returns by responsible party"),
                   "opts": self.opts, "rows": rows, "month": f"{first:%Y-%m}"}
        return TemplateResponse(request, "returns/responsibility.html", context)
