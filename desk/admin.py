"""Back office and counter pages of the desk services (R-DESK-2…4).

The counter page (`Desk services › Enquiries › Counter`) does the many small jobs of a day in one screen:
one-click enquiries, lend and take back umbrellas, register lost property (the PA insert goes out in the same
step), hand out free items, wrap members' gifts, take in and give back bags. Lists are read-only records;
every change goes through desk.services."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.errors import DomainError

from . import forms, rules, selectors, services
from .choices import EnquiryChannel, EnquiryTopic, LoanStatus, LostStatus
from .models import (
    BagStorage,
    Brand,
    DeliveryRequest,
    DepositCashCount,
    DepositEntry,
    DeskPolicy,
    DeskReport,
    Enquiry,
    GiftWrap,
    LostProperty,
    SupplyEntry,
    SupplyItem,
    SupplyStocktake,
    UmbrellaLoan,
)
from .report_rows import report_chart, report_sections, report_title
from .resources import BrandResource


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _context(model_admin, request, title, **kwargs):
    return {**model_admin.admin_site.each_context(request), "title": title, "opts": model_admin.opts, **kwargs}


@admin.register(DeskPolicy)
class DeskPolicyAdmin(SimpleHistoryAdmin):
    """Policy versions: one already in force is never edited (copy it into a new version)."""

    list_display = ["effective_from", "umbrella_deposit", "umbrella_loan_days", "umbrella_forfeit_days",
                    "lost_property_holding_days"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.effective_from <= timezone.localdate():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "channel", "topic", "question", "answer", "by"]
    list_filter = ["topic", "channel"]
    date_hierarchy = "at"
    list_select_related = ["by"]
    list_per_page = 50
    show_full_result_count = False
    change_list_template = "desk/enquiry_changelist.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [path("counter/", wrap(self.counter_view), name="%s_%s_counter" % info)] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        counts = selectors.enquiry_counts(start=today, end=today + dt.timedelta(days=1))
        topics = dict(EnquiryTopic.choices)
        extra = {"enquiry_counts": counts, "counter_url": reverse("admin:desk_enquiry_counter"),
                 "enquiry_topics": [(topics[k], n) for k, n in counts["by_topic"].items()],
                 "enquiry_hours": [(f"{h:02d}", n) for h, n in counts["by_hour"].items() if 7 <= h <= 22 or n],
                 **(extra_context or {})}
        return super().changelist_view(request, extra)

    # ---- the counter page ------------------------------------------------------------------------
    def _do(self, request, perm: str, call, ok: str):
        if not request.user.has_perm(perm):
            raise PermissionDenied
        try:
            result = call()
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
            return None
        messages.success(request, ok(result))
        return result

    def counter_view(self, request):
        user = request.user
        if not user.has_perm("desk.view_enquiry"):
            raise PermissionDenied
        lend, tag, lost = forms.LendForm(prefix="lend"), forms.TagForm(prefix="back"), forms.LostForm(prefix="lost")
        issue, wrap, bag = forms.IssueForm(prefix="issue"), forms.WrapForm(prefix="wrap"), forms.BagForm(prefix="bag")
        if request.method == "POST":
            post = request.POST
            if "do_enquiry" in post:
                self._do(request, "desk.add_enquiry", lambda: services.enquiry_log(
                    user=user, channel=post.get("channel", ""), topic=post.get("topic", ""),
                    question=post.get("question", "")[:500]), lambda e: _("Enquiry logged: %(topic)s.") % {
                    "topic": e.get_topic_display()})
                return redirect("admin:desk_enquiry_counter")
            if "do_lend" in post:
                lend = forms.LendForm(post, prefix="lend")
                if lend.is_valid() and self._do(request, "desk.add_umbrellaloan", lambda: services.umbrella_lend(
                        user=user, **lend.cleaned_data), lambda loan: _(
                        "Umbrella %(u)s lent, deposit %(d)s taken; due back %(due)s.") % {
                        "u": loan.umbrella, "d": loan.deposit,
                        "due": timezone.localtime(loan.due_at).strftime("%Y-%m-%d %H:%M")}):
                    return redirect("admin:desk_enquiry_counter")
            if "do_return" in post:
                tag = forms.TagForm(post, prefix="back")
                if tag.is_valid():
                    loan = selectors.loans_out().filter(umbrella=tag.cleaned_data["tag"].strip().upper()).first()
                    if loan is None:
                        messages.error(request, _("Umbrella %(u)s is not out.") % {"u": tag.cleaned_data["tag"]})
                    elif self._do(request, "desk.change_umbrellaloan", lambda: services.umbrella_return(loan=loan, user=user),
                                  lambda ln: _("Umbrella %(u)s back: refund %(d)s.") % {"u": ln.umbrella, "d": ln.deposit}):
                        return redirect("admin:desk_enquiry_counter")
            if "do_lost" in post:
                lost = forms.LostForm(post, prefix="lost")
                if lost.is_valid() and self._do(request, "desk.add_lostproperty", lambda: services.lost_property_register(
                        user=user, **lost.cleaned_data), lambda e: _("%(n)s registered%(pa)s.") % {
                        "n": e.number, "pa": _(", PA insert queued") if e.pa_insert_id else ""}):
                    return redirect("admin:desk_enquiry_counter")
            if "do_issue" in post:
                issue = forms.IssueForm(post, prefix="issue")
                if issue.is_valid() and self._do(request, "desk.add_supplyentry", lambda: services.supply_issue(
                        user=user, **issue.cleaned_data), lambda e: _("%(item)s handed out; %(n)s left.") % {
                        "item": e.item.name, "n": e.balance_after}):
                    return redirect("admin:desk_enquiry_counter")
            if "do_wrap" in post:
                wrap = forms.WrapForm(post, prefix="wrap")
                if wrap.is_valid() and self._do(request, "desk.add_giftwrap", lambda: services.gift_wrap_log(
                        user=user, **wrap.cleaned_data), lambda w: _("Gift wrapping logged on card %(c)s.") % {
                        "c": w.card.card_number}):
                    return redirect("admin:desk_enquiry_counter")
            if "do_bag_in" in post or "do_bag_out" in post:
                bag = forms.BagForm(post, prefix="bag")
                if bag.is_valid():
                    t = bag.cleaned_data["tag"]
                    if "do_bag_in" in post:
                        done = self._do(request, "desk.add_bagstorage", lambda: services.bag_store(user=user, tag=t),
                                        lambda b: _("Bag taken in: hand over tag %(t)s.") % {"t": b.tag})
                    else:
                        done = self._do(request, "desk.change_bagstorage", lambda: services.bag_give_back(user=user, tag=t),
                                        lambda b: _("Bag %(t)s given back.") % {"t": b.tag})
                    if done:
                        return redirect("admin:desk_enquiry_counter")
        now = timezone.now()
        today = timezone.localdate(now)
        context = _context(
            self, request, _("Desk counter"), topics=EnquiryTopic.choices, channels=EnquiryChannel.choices,
            lend=lend, back=tag, lost=lost, issue=issue, wrap=wrap, bag=bag,
            loans_out=list(selectors.loans_out().order_by("due_at")[:30]), now=now,
            lost_held=list(selectors.lost_property_held().select_related("pa_insert")[:20]),
            bags=list(selectors.bags_stored().order_by("tag")[:30]),
            enquiry_counts=selectors.enquiry_counts(start=today, end=today + dt.timedelta(days=1)),
            deposit_url=reverse("admin:desk_depositentry_day"),
        )
        return TemplateResponse(request, "desk/counter.html", context)


@admin.register(Brand)
class BrandAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """R-DESK-2: the brand directory; Import (with a preview) for the season's floor plan."""

    resource_classes = [BrandResource]
    list_display = ["brand", "initials", "floor", "counter", "category", "phone", "active"]
    list_filter = ["floor", "active", "category"]
    search_fields = ["brand", "initials", "counter", "=floor"]
    readonly_fields = ["initials"]

    def save_model(self, request, obj, form, change):
        obj.initials = rules.brand_initials(obj.brand)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # a brand that left is made inactive (the history stays)


@admin.register(UmbrellaLoan)
class UmbrellaLoanAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["umbrella", "customer_name", "phone", "deposit", "status", "lent_at", "due_at", "overdue"]
    list_filter = ["status"]
    search_fields = ["=umbrella", "customer_name", "=phone"]
    actions = ["return_selected", "forfeit_selected"]
    list_per_page = 50

    @admin.display(description=gettext_lazy("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.status == LoanStatus.OUT and rules.loan_is_overdue(due_at=obj.due_at, now=timezone.now())

    def has_return_permission(self, request):
        return request.user.has_perm("desk.change_umbrellaloan")

    def has_forfeit_permission(self, request):
        return request.user.has_perm("desk.forfeit_deposit")

    @admin.action(permissions=["return"], description=gettext_lazy("Take back the selected umbrellas (refund)"))
    def return_selected(self, request, queryset):
        for loan in queryset:
            try:
                services.umbrella_return(loan=loan, user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{loan}: {exc.detail}", messages.ERROR)

    @admin.action(permissions=["forfeit"], description=gettext_lazy("Keep the deposits of the selected umbrellas"))
    def forfeit_selected(self, request, queryset):
        for loan in queryset:
            try:
                services.umbrella_forfeit(loan=loan, user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{loan}: {exc.detail}", messages.ERROR)


@admin.register(DepositEntry)
class DepositEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "loan", "kind", "amount", "cash", "held_change", "by"]
    list_filter = ["kind"]
    list_select_related = ["loan", "by"]
    date_hierarchy = "at"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("day/", self.admin_site.admin_view(self.day_view), name="%s_%s_day" % info)] + super().get_urls()

    def day_view(self, request):
        """R-DESK-3: a day's deposits in and out, what is held, and the drawer count against it."""
        if not request.user.has_perm("desk.view_depositentry"):
            raise PermissionDenied
        try:
            day = dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else timezone.localdate()
        except ValueError:
            day = timezone.localdate()
        form = forms.CountForm(request.POST or None)
        if request.method == "POST":
            if not request.user.has_perm("desk.add_depositcashcount"):
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.deposit_cash_count(user=request.user, day=day, **form.cleaned_data)
                except DomainError as exc:
                    messages.error(request, f"{exc.detail} ({exc.code})")
                else:
                    messages.success(request, _("Deposit cash count saved."))
                    return redirect(f"{reverse('admin:desk_depositentry_day')}?date={day.isoformat()}")
        start = selectors.day_start(day)
        entries = DepositEntry.objects.filter(at__gte=start, at__lt=selectors.day_start(day + dt.timedelta(days=1))) \
            .select_related("loan", "by").order_by("at", "id")
        return TemplateResponse(request, "desk/deposit_day.html", _context(
            self, request, _("Umbrella deposits of %(day)s") % {"day": day.isoformat()}, day=day,
            summary=selectors.deposit_day(day=day), entries=entries, form=form,
            count=DepositCashCount.objects.filter(day=day).select_related("by").first(),
            previous=(day - dt.timedelta(days=1)).isoformat(), next=(day + dt.timedelta(days=1)).isoformat()))


@admin.register(DepositCashCount)
class DepositCashCountAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["day", "counted", "expected", "variance", "by"]


@admin.register(SupplyItem)
class SupplyItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "on_hand", "low_at", "active"]
    list_filter = ["kind", "active"]
    readonly_fields = ["on_hand"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupplyEntry)
class SupplyEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "item", "kind", "quantity", "balance_after", "note", "by"]
    list_filter = ["kind", "item"]
    list_select_related = ["item", "by"]


@admin.register(SupplyStocktake)
class SupplyStocktakeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["month", "item", "expected", "counted", "variance", "by"]
    list_filter = ["month"]


@admin.register(GiftWrap)
class GiftWrapAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "card", "items", "note", "by"]
    search_fields = ["=card__card_number"]
    list_select_related = ["card", "by"]


@admin.register(DeliveryRequest)
class DeliveryRequestAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["id", "customer_name", "phone", "address", "status", "wanted_on", "scheduled_for", "delivered_at"]
    list_filter = ["status"]
    search_fields = ["customer_name", "=phone", "address"]


@admin.register(LostProperty)
class LostPropertyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["number", "kind", "description", "found_where", "status", "holding_place", "dispose_after",
                    "claimant_name", "claimant_id", "pa_insert"]
    list_filter = ["status", "kind"]
    search_fields = ["=number", "description", "found_where"]
    exclude = ["claimant_id_number", "claimant_phone"]
    readonly_fields = ["claimant_id", "claimant_tel"]
    list_per_page = 50

    @admin.display(description=gettext_lazy("claimant's ID number"))
    def claimant_id(self, obj):
        return obj.masked_claimant_id  # R-VIP-7: masked in lists; the claim page shows it in full to the supervisor

    @admin.display(description=gettext_lazy("claimant's phone"))
    def claimant_tel(self, obj):
        return obj.masked_claimant_phone

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("<int:pk>/claim/", self.admin_site.admin_view(self.claim_view), name="%s_%s_claim" % info)] \
            + super().get_urls()

    def claim_view(self, request, pk):
        """Claim, or dispose of after the holding period; the claimant's ID in full only for `members.view_unmasked`
        (each view logged)."""
        if not request.user.has_perm("desk.view_lostproperty"):
            raise PermissionDenied
        entry = get_object_or_404(LostProperty.objects.select_related("pa_insert"), pk=pk)
        claim, dispose = forms.ClaimForm(prefix="claim"), forms.DisposeForm(prefix="dispose")
        if request.method == "POST":
            if "do_claim" in request.POST:
                if not request.user.has_perm("desk.claim_lostproperty"):
                    raise PermissionDenied
                claim = forms.ClaimForm(request.POST, prefix="claim")
                if claim.is_valid():
                    try:
                        services.lost_property_claim(entry=entry, user=request.user, **claim.cleaned_data)
                    except DomainError as exc:
                        messages.error(request, f"{exc.detail} ({exc.code})")
                    else:
                        messages.success(request, _("%(n)s handed over.") % {"n": entry.number})
                        return redirect("admin:desk_lostproperty_claim", entry.pk)
            elif "do_dispose" in request.POST:
                if not request.user.has_perm("desk.dispose_lostproperty"):
                    raise PermissionDenied
                dispose = forms.DisposeForm(request.POST, prefix="dispose")
                if dispose.is_valid():
                    try:
                        services.lost_property_dispose(entry=entry, user=request.user, **dispose.cleaned_data)
                    except DomainError as exc:
                        messages.error(request, f"{exc.detail} ({exc.code})")
                    else:
                        messages.success(request, _("%(n)s recorded as disposed.") % {"n": entry.number})
                        return redirect("admin:desk_lostproperty_claim", entry.pk)
        entry.refresh_from_db()
        id_shown = selectors.claimant_id_number_for(entry=entry, user=request.user, context="lost property page") \
            if entry.claimant_id_number else ""
        return TemplateResponse(request, "desk/lost_claim.html", _context(
            self, request, _("Lost property %(n)s") % {"n": entry.number}, entry=entry, claim=claim, dispose=dispose,
            id_shown=id_shown, held=entry.status == LostStatus.HELD,
            may_dispose=rules.may_dispose(dispose_after=entry.dispose_after, today=timezone.localdate()),
            events=entry.events.select_related("user")))


@admin.register(BagStorage)
class BagStorageAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["tag", "description", "status", "stored_at", "returned_at"]
    list_filter = ["status"]
    search_fields = ["=tag"]


@admin.register(DeskReport)
class DeskReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["kind", "period", "prepared_at", "page"]
    list_filter = ["kind"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("desk.see_desk_reports")

    @admin.display(description=gettext_lazy("report"))
    def page(self, obj):
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', reverse("admin:desk_deskreport_page", args=[obj.kind, obj.period]),
                           _("Open"))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("live/", wrap(self.live_view), name="%s_%s_live" % info),
            path("<str:kind>/<str:period>/", wrap(self.page_view), name="%s_%s_page" % info),
            path("<str:kind>/<str:period>/file.<str:ext>", wrap(self.file_view), name="%s_%s_file" % info),
        ] + super().get_urls()

    def _figures(self, request, kind, period):
        if not request.user.has_perm("desk.see_desk_reports"):
            raise PermissionDenied
        if kind not in ("weekly", "monthly"):
            raise Http404
        try:
            return selectors.report_figures(kind=kind, period=period)
        except rules.BadPeriod:
            raise Http404

    def live_view(self, request):
        """This week's or this month's report so far: `?kind=weekly&period=2026-W48`."""
        today = timezone.localdate()
        kind = request.GET.get("kind", "weekly")
        period = request.GET.get("period") or (rules.week_of(today) if kind == "weekly" else rules.month_of(today))
        return redirect("admin:desk_deskreport_page", kind, period)

    def page_view(self, request, kind, period):
        data = self._figures(request, kind, period)
        prepared = DeskReport.objects.filter(kind=kind, period=period).first()
        today = timezone.localdate()
        return TemplateResponse(request, "desk/report.html", _context(
            self, request, report_title(kind, data), kind=kind, period=period, sections=report_sections(kind, data),
            chart=report_chart(kind, data), prepared=prepared, data_json=json.dumps(data, ensure_ascii=False, indent=1),
            this_week=rules.week_of(today), this_month=rules.month_of(today),
            last_week=rules.previous_week(today), last_month=rules.previous_month(today)))

    def file_view(self, request, kind, period, ext):
        from . import pdf, xlsx

        data = self._figures(request, kind, period)
        if ext == "pdf":
            response = HttpResponse(pdf.report_pdf(kind=kind, data=data), content_type="application/pdf")
        elif ext == "xlsx":
            response = HttpResponse(xlsx.report_xlsx(kind=kind, data=data),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="desk-{kind}-{period}.{ext}"'
        return response
