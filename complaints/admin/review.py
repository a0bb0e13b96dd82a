"""R-CMP-7 review pages (the month's statistics, the week's cases, PDF and XLSX) as views of the
complaint admin, and the log of unmasked complainant phones. Thin: selectors read, exports/pdf build."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyAdminMixin
from servicedesk.responses import XLSX, file_response, pdf_response

from .. import charts, exports, forms, pdf, selectors
from ..models import ComplaintUnmaskedView

TREND_PERIODS = 12  # months and weeks shown as trends on the review (README decision)


class ReviewPagesMixin:
    """Mixed into ComplaintAdmin: /complaints/complaint/review/ and its two exports."""

    def review_urls(self, wrap, info):
        return [
            path("review/", wrap(self.review_view), name="%s_%s_review" % info),
            path("review/export.xlsx", wrap(self.review_xlsx_view), name="%s_%s_review_xlsx" % info),
            path("review/export.pdf", wrap(self.review_pdf_view), name="%s_%s_review_pdf" % info),
        ]

    def _review_data(self, request) -> dict:
        if not request.user.has_perm("complaints.view_complaint_review"):
            raise PermissionDenied
        today = timezone.localdate()
        form = forms.ReviewPeriodForm(request.GET or None)
        form.is_valid()  # a bad month is shown on the form; the current month is reviewed meanwhile
        cleaned = getattr(form, "cleaned_data", {})
        year, month = cleaned.get("month") or (today.year, today.month)
        review = selectors.complaints_monthly_review(year=year, month=month)
        week_start, week_end, week_cases = selectors.complaints_week(day=cleaned.get("week") or today)
        months = selectors.complaints_trend(unit="month", last=review.start, count=TREND_PERIODS)
        weeks = selectors.complaints_trend(unit="week", last=week_start, count=TREND_PERIODS)
        return {"form": form, "review": review, "week_start": week_start, "week_cases": list(week_cases),
                "week_counts": selectors.complaints_week_counts(start=week_start, end=week_end),
                "months": months, "weeks": weeks}

    def review_view(self, request):
        data = self._review_data(request)
        sections = [
            (_("Month %(month)s") % {"month": f"{data['review'].start:%Y-%m}"}, charts.month_charts(data["review"])),
            (_("The last %(n)s months") % {"n": TREND_PERIODS}, charts.trend_charts(data["months"], prefix="months")),
            (_("The last %(n)s weeks (Monday to Sunday)") % {"n": TREND_PERIODS},
             charts.trend_charts(data["weeks"], prefix="weeks")),
        ]
        chart_json = {c.id: c.to_json() for _heading, group in sections for c in group}
        return TemplateResponse(request, "complaints/review.html", self._context(
            request, _("Complaint review"), **data, chart_sections=sections, chart_json=chart_json,
            query=request.GET.urlencode()))

    def review_pdf_view(self, request):
        data = self._review_data(request)
        body = pdf.review_pdf(review=data["review"], week_start=data["week_start"], week_cases=data["week_cases"],
                              week_counts=data["week_counts"], months=data["months"], labels=exports.review_labels())
        return pdf_response(body, filename=f"complaints-{data['review'].start:%Y-%m}.pdf", inline=False)

    def review_xlsx_view(self, request):
        data = self._review_data(request)
        body = exports.review_xlsx(review=data["review"], week_start=data["week_start"], week_cases=data["week_cases"],
                                   months=data["months"], weeks=data["weeks"])
        return file_response(body, filename=f"complaints-{data['review'].start:%Y-%m}.xlsx", content_type=XLSX)


@admin.register(ComplaintUnmaskedView)
class ComplaintUnmaskedViewAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """Who saw a complainant's full phone number, where and when (written by the selectors, read-only)."""

    list_display = ["at", "user", "complaint", "context"]
    list_select_related = ["user", "complaint"]
    search_fields = ["complaint__number", "user__username"]
    exact_search_fields = ("complaint__number",)
    date_hierarchy = None
