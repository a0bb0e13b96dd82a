"""Finance admin: the month page (每月账务: every ledger's month, exports with progress, downloads, close and
reopen), month closes, export files, events and the finance policy."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin_tools import ReadOnlyAdminMixin
from servicedesk.errors import DomainError
from servicedesk.extensions import month_totals
from servicedesk.periods import month_key, month_parse, month_start

from . import rules, selectors, services
from .api.views import live_file_response, stored_file_response
from .choices import ExportFormat, ExportStatus
from .models import ExportJob, FinanceEvent, FinancePolicy, MonthClose

TOTAL_LABELS = {"points_earned": gettext_lazy("Points earned"), "points_spent": gettext_lazy("Points spent"),
                "stored_value_in": gettext_lazy("Stored value in"), "stored_value_out": gettext_lazy("Stored value out"),
                "gifts_issued": gettext_lazy("Gifts issued"), "invoices_amount": gettext_lazy("Invoiced amount")}


def _job_json(job: ExportJob) -> dict:
    done = job.status == ExportStatus.DONE and bool(job.file)
    return {"id": job.pk, "ledger": job.ledger, "format": job.format, "status": job.status,
            "status_label": str(job.get_status_display()), "rows_done": job.rows_done, "rows_total": job.rows_total,
            "percent": job.percent, "size": job.size, "sha256": job.sha256, "error": job.error[:200],
            "download_url": reverse("admin:finance_monthclose_download", args=[job.pk]) if done else None}


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["month_label", "closed_at", "closed_by", "reopened_at", "reopened_by", "reopen_reason"]
    list_filter = ["month"]
    search_fields = ["reopen_reason"]
    list_select_related = ["closed_by", "reopened_by"]
    change_list_template = "finance/monthclose_changelist.html"

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_label(self, obj):
        return month_key(obj.month)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("month/", view(self.month_view), name="%s_%s_month" % info),
            path("month/<str:month>/export/", view(self.export_start_view), name="%s_%s_export" % info),
            path("month/<str:month>/close/", view(self.close_view), name="%s_%s_close" % info),
            path("month/<str:month>/reopen/", view(self.reopen_view), name="%s_%s_reopen" % info),
            path("month/<str:month>/direct/<str:ledger>.<str:fmt>", view(self.direct_view), name="%s_%s_direct" % info),
            path("exports/<int:pk>/progress/", view(self.progress_view), name="%s_%s_progress" % info),
            path("exports/<int:pk>/download/", view(self.download_view), name="%s_%s_download" % info),
        ] + super().get_urls()

    def _month(self, request, value: str | None) -> dt.date:
        if not value:
            return rules.previous_month(timezone.localdate())
        try:
            return month_parse(value)
        except DomainError as exc:
            raise Http404(exc.detail) from exc

    @staticmethod
    def _picked(value: str | None, *, current: dt.date) -> tuple[dt.date, str | None]:
        """The month asked for, or last month with a message naming the field (a bad month is a 400, never a 500)."""
        default = rules.previous_month(current)
        if value is None or value == "":
            return default, None
        try:
            month = month_parse(value)
        except DomainError:
            return default, _("Month “%(v)s”: choose a month from the list (YYYY-MM). Showing %(d)s.") % {
                "v": value[:20], "d": month_key(default)}
        if rules.month_pick_refusal(month=month, current_month=current):
            return default, _("Month %(v)s is in the future: choose the current month or an earlier one. "
                              "Showing %(d)s.") % {"v": month_key(month), "d": month_key(default)}
        return month, None

    def month_view(self, request):
        """R-FIN-1: every ledger of the month with its balances, exports and downloads; R-FIN-2: close/reopen."""
        user = request.user
        if not user.has_perm("finance.view_monthclose"):
            raise PermissionDenied
        now = timezone.now()
        month, month_error = self._picked(request.GET.get("month"), current=month_start(timezone.localdate(now)))
        close = selectors.month_close_active(month=month)
        summaries = selectors.month_summaries(month=month, close=close)
        policy = selectors.policy_at(at=now)
        rows = []
        for s in summaries:
            ledger = selectors.ledger_get(s.name)
            rows.append({"summary": s, "opening": s.show(s.opening), "closing": s.show(s.closing),
                         "kept": None if s.cached_balance is None else s.show(s.cached_balance),
                         "ledger_balance": s.show(s.ledger_balance),
                         "movements": [{"label": ledger.kind_label(m.kind) if ledger else m.kind, "kind": m.kind,
                                        "rows": m.rows, "inflow": s.show(m.inflow), "outflow": s.show(m.outflow)}
                                       for m in s.movements],
                         "direct": close is None and s.rows <= policy.stream_max_rows})
        totals = close.totals if close else services.totals_json(month_totals([s.totals for s in summaries]))
        key = month_key(month)
        past = month < month_start(now)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": _("Month %(m)s") % {"m": key},
            "month": key, "previous": month_key(rules.previous_month(month)),
            "next": month_key((month + dt.timedelta(days=32)).replace(day=1)) if past else None, "close": close, "ledgers": rows,
            "totals": [(key, TOTAL_LABELS.get(key, key), value) for key, value in totals.items()],
            "all_balanced": all(s.balanced for s in summaries), "past": past,
            "can_export": user.has_perm("finance.add_exportjob"),
            "can_close": user.has_perm("finance.close_period") and close is None and past,
            "can_reopen": user.has_perm("finance.reopen_period") and close is not None,
            "exports": list(selectors.month_exports(month=month, now=now)),
            "events": list(FinanceEvent.objects.filter(month=month).select_related("user")[:20]),
            "formats": [ExportFormat.CSV, ExportFormat.XLSX],
            "keep_days": policy.export_keep_days,
            "month_choices": selectors.month_choices(current=month_start(timezone.localdate(now)), shown=month),
            "month_error": month_error,
        }
        return TemplateResponse(request, "finance/month.html", context, status=400 if month_error else 200)

    def export_start_view(self, request, month):
        """Start a background export (JSON for the page's script; a redirect without it)."""
        if request.method != "POST":
            raise PermissionDenied
        month_date = self._month(request, month)
        try:
            job = services.export_job_start(ledger_name=request.POST.get("ledger", ""), month=month_date,
                                            fmt=request.POST.get("format", ""), user=request.user)
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            if request.headers.get("x-requested-with") == "fetch":
                return JsonResponse({"code": exc.code, "detail": exc.detail, "fields": exc.fields}, status=exc.status_code)
            messages.error(request, f"{exc.detail} ({exc.code})")
            return redirect(reverse("admin:finance_monthclose_month") + f"?month={month_key(month_date)}")
        job.refresh_from_db()
        if request.headers.get("x-requested-with") == "fetch":
            return JsonResponse({**_job_json(job),
                                 "progress_url": reverse("admin:finance_monthclose_progress", args=[job.pk])}, status=202)
        messages.success(request, _("Export started."))
        return redirect(reverse("admin:finance_monthclose_month") + f"?month={month_key(month_date)}")

    def progress_view(self, request, pk):
        if not request.user.has_perm("finance.view_exportjob"):
            raise PermissionDenied
        return JsonResponse(_job_json(get_object_or_404(ExportJob, pk=pk)))

    def download_view(self, request, pk):
        if not request.user.has_perm("finance.view_exportjob"):
            raise PermissionDenied
        job = get_object_or_404(ExportJob, pk=pk, status=ExportStatus.DONE)
        if not job.file:
            raise Http404(_("This export is no longer kept."))
        return stored_file_response(job)

    def direct_view(self, request, month, ledger, fmt):
        """A small open month streams straight away (no job)."""
        if not request.user.has_perm("finance.add_exportjob"):
            raise PermissionDenied
        found = selectors.ledger_get(ledger)
        if found is None or fmt not in (ExportFormat.CSV, ExportFormat.XLSX):
            raise Http404
        month_date = self._month(request, month)
        close = selectors.month_close_active(month=month_date)
        if close is not None:
            return stored_file_response(services.frozen_file(close=close, ledger_name=ledger, fmt=fmt))
        return live_file_response(ledger=found, month=month_key(month_date), fmt=fmt)

    @staticmethod
    def _after(month_date):
        return redirect(reverse("admin:finance_monthclose_month") + f"?month={month_key(month_date)}")

    def close_view(self, request, month):
        if request.method != "POST":
            raise PermissionDenied
        if not request.user.has_perm("finance.close_period"):
            raise PermissionDenied
        month_date = self._month(request, month)
        try:
            services.month_close(month=month_date, user=request.user)
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        else:
            messages.success(request, _("%(m)s is closed.") % {"m": month_key(month_date)})
        return self._after(month_date)

    def reopen_view(self, request, month):
        if request.method != "POST":
            raise PermissionDenied
        if not request.user.has_perm("finance.reopen_period"):
            raise PermissionDenied
        month_date = self._month(request, month)
        try:
            services.month_reopen(month=month_date, user=request.user, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        else:
            messages.success(request, _("%(m)s is open again.") % {"m": month_key(month_date)})
        return self._after(month_date)




@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "ledger", "month", "format", "status", "rows_done", "rows_total", "size", "created_by",
                    "created_at", "expires_at", "close", "sha256"]
    list_filter = ["status", "format", "ledger", "month"]
    search_fields = ["sha256"]
    list_select_related = ["created_by", "close"]


@admin.register(FinanceEvent)
class FinanceEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "month", "type", "user", "parameters"]
    list_filter = ["type", "month"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(FinancePolicy)
class FinancePolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "export_keep_days", "stream_max_rows", "progress_every_rows", "note"]
    search_fields = ["note"]
