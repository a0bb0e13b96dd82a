"""Back office and counter pages of gifts/ (extra admin views, scan first, an answer the clerk can read aloud):

- issue counter: scan a till receipt (every open campaign: qualifies or not and why, the lines counted, how
  much more would qualify) or a pickup voucher, then issue (R-GIFT-3);
- receive a delivery note and print its three copies (R-GIFT-1);
- birthday gift with card and ID, the two-copy form (R-GIFT-5), also offered on Member 360;
- stocktake count, variance and a supervisor's explanation (R-GIFT-7);
- campaign vouchers (sheet PDF) and close with the returned-goods list (R-GIFT-6);
- the stock ledger with the month's finance export (R-GIFT-2, R-FIN-1); the policy rows."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from receipts.choices import Category
from receipts.models import Receipt
from servicedesk.admin_display import readable
from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline
from servicedesk.errors import DomainError
from servicedesk.forms import ChecklistField

from . import exports, pdf, selectors, services
from .choices import CampaignStatus, QualificationReason, StocktakeStatus
from .forms import BirthdayForm, ExplainForm, ExportForm, ReceiveForm, ScanForm, StocktakeForm, VouchersForm
from .models import (
    GiftCampaign,
    GiftDelivery,
    GiftEvent,
    GiftIssue,
    GiftItem,
    GiftPolicy,
    GiftStockEntry,
    GiftVoucher,
    GiftVoucherBatch,
    Stocktake,
)


def _page(admin_obj, request, template: str, title: str, **context):
    return TemplateResponse(request, template, {**admin_obj.admin_site.each_context(request), "title": title,
                                                "opts": admin_obj.opts, **context})


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@admin.register(GiftPolicy)
class GiftPolicyAdmin(SimpleHistoryAdmin):
    """Edit the numbers by adding a row effective from a date."""

    list_display = ["effective_from", "low_stock_threshold", "ending_soon_days", "birthday_offer_days",
                    "variance_reminder_hours", "note"]
    search_fields = ["note"]
    list_filter = ["effective_from"]

    def has_delete_permission(self, request, obj=None):
        return False


class RecentEntriesInline(ReadOnlyInline):
    model = GiftStockEntry
    fields = readonly_fields = ["at", "kind", "quantity", "balance_after", "reference", "note", "by"]
    verbose_name_plural = gettext_lazy("Latest ledger entries")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by").order_by("-id")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.max_num = 0
        return formset


@admin.register(GiftItem)
class GiftItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit_value", "on_hand", "ledger_link"]
    search_fields = ["=code", "name"]
    readonly_fields = ["on_hand"]
    fields = ["code", "name", "unit_value", "on_hand"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "on_hand"] if obj else ["on_hand"]

    @admin.display(description=gettext_lazy("ledger"))
    def ledger_link(self, obj):
        url = reverse("admin:gifts_giftstockentry_changelist") + f"?item__code={obj.code}"
        return format_html('<a href="{}">{}</a>', url, _("ledger"))

    def has_delete_permission(self, request, obj=None):
        return False


class VoucherBatchInline(ReadOnlyInline):
    model = GiftVoucherBatch
    fields = readonly_fields = ["count", "first_serial", "last_serial", "printed_by", "printed_at", "sheet"]

    @admin.display(description=gettext_lazy("sheet"))
    def sheet(self, obj):
        return format_html('<a href="{}">PDF</a>', reverse("admin:gifts_giftcampaign_sheet", args=[obj.pk]))


class GiftEventInline(ReadOnlyInline):
    model = GiftEvent
    fk_name = "campaign"
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]


class CampaignAdminForm(forms.ModelForm):
    """The owning department is a complaints.Department code, checked by code (services.department_exists),
    chosen by its name; categories must be the till feed's, ticked by their names (never typed as JSON)."""

    class Meta:
        model = GiftCampaign
        fields = ["code", "name", "starts_on", "ends_on", "side", "categories", "min_spend", "gift_item", "quantity",
                  "owner_department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the fields the page edits (a campaign with issues is read-only: the admin leaves them out).
        if "categories" in self.fields:
            old = self.fields["categories"]
            self.fields["categories"] = ChecklistField(choices=Category.choices, label=old.label, help_text=_(
                "None ticked: every category counts."))
        departments = selectors.department_choices()
        if "owner_department" in self.fields and departments is not None:
            old = self.fields["owner_department"]
            code = (self.initial.get("owner_department") or "").strip()
            if code and code not in dict(departments):
                departments.append((code, code))  # an inactive department stays selectable on its campaigns
            self.fields["owner_department"] = forms.ChoiceField(
                choices=[("", "---------"), *departments], required=False, label=old.label, help_text=old.help_text)

    def clean_owner_department(self):
        code = (self.cleaned_data.get("owner_department") or "").strip()
        if code and not services.department_exists(code):
            raise forms.ValidationError(_("No department %(code)s.") % {"code": code})
        return code

    def clean_categories(self):
        value = self.cleaned_data.get("categories") or []
        if not isinstance(value, list) or set(map(str, value)) - set(Category.values):
            raise forms.ValidationError(_("Unknown categories: %(c)s.") % {"c": value})
        return sorted(set(value))


@admin.register(GiftCampaign)
class GiftCampaignAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "side", "starts_on", "ends_on", "min_spend", "gift_item", "quantity",
                    "owner", "status"]
    list_filter = ["status", "side", "ends_on"]
    search_fields = ["=code", "name", "owner_department"]
    list_select_related = ["gift_item"]
    inlines = [VoucherBatchInline, GiftEventInline]
    change_form_template = "gifts/campaign_change_form.html"
    fields = ["code", "name", "starts_on", "ends_on", "side", "categories", "min_spend", "gift_item", "quantity",
              "owner_department", "status", "closed_at", "closed_by", "close_summary"]

    def get_readonly_fields(self, request, obj=None):
        closed = ["status", "closed_at", "closed_by", "close_summary", "owner"]
        if obj is not None and (obj.status == CampaignStatus.CLOSED or obj.issues.exists()):
            # the rule a gift was issued under never changes afterwards
            return list(dict.fromkeys([*self.get_fields(request, obj), "owner"]))
        return closed

    def get_fields(self, request, obj=None):
        """Read-only, the owning department shows its name (服装部), not its code."""
        read_only = obj is not None and (not self.has_change_permission(request, obj)
                                         or obj.status == CampaignStatus.CLOSED or obj.issues.exists())
        return ["owner" if read_only and name == "owner_department" else name for name in self.fields]

    def get_queryset(self, request):
        return selectors.campaigns_with_owner_name(super().get_queryset(request))

    @admin.display(description=gettext_lazy("owning department"), ordering="owner_department")
    def owner(self, obj):
        # a past version (the history page) is not loaded through get_queryset: its department by name too
        name = obj.owner_name if hasattr(obj, "owner_name") else selectors.department_name(obj.owner_department)
        return name or obj.owner_department or "—"

    form = CampaignAdminForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/vouchers/", view(self.vouchers_view), name="%s_%s_vouchers" % info),
            path("sheet/<int:batch_pk>.pdf", view(self.sheet_view), name="%s_%s_sheet" % info),
            path("<int:pk>/close/", view(self.close_view), name="%s_%s_close" % info),
            path("<int:pk>/close-list.pdf", view(self.close_list_view), name="%s_%s_close_list" % info),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        extra["can_print"] = request.user.has_perm("gifts.print_vouchers")
        extra["can_close"] = request.user.has_perm("gifts.close_campaign")
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def vouchers_view(self, request, pk):
        if not request.user.has_perm("gifts.print_vouchers"):
            raise PermissionDenied
        campaign = get_object_or_404(GiftCampaign, pk=pk)
        form = VouchersForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                batch = services.gift_vouchers_print(campaign=campaign, count=form.cleaned_data["count"],
                                                     user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.detail} ({exc.code})")
            else:
                messages.success(request, _("%(n)s vouchers %(first)s–%(last)s: print the sheet.") % {
                    "n": batch.count, "first": batch.first_serial, "last": batch.last_serial})
                return redirect(reverse("admin:gifts_giftcampaign_change", args=[campaign.pk]))
        return _page(self, request, "gifts/form_page.html", _("Print pickup vouchers for %(c)s") % {"c": campaign.code},
                     form=form)

    def sheet_view(self, request, batch_pk):
        if not request.user.has_perm("gifts.view_giftvoucher"):
            raise PermissionDenied
        batch = get_object_or_404(GiftVoucherBatch.objects.select_related("campaign__gift_item"), pk=batch_pk)
        return _pdf(pdf.voucher_sheet_pdf(batch), f"{batch.first_serial}-{batch.last_serial}")

    def close_view(self, request, pk):
        if request.method != "POST" or not request.user.has_perm("gifts.close_campaign"):
            raise PermissionDenied
        campaign = get_object_or_404(GiftCampaign, pk=pk)
        try:
            campaign = services.campaign_close(campaign=campaign, user=request.user)
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        else:
            returned = ", ".join(f"{r['item']} ×{r['quantity']}" for r in campaign.close_summary.get("returned", []))
            messages.success(request, _("Campaign %(code)s closed; returned to the department: %(r)s.") % {
                "code": campaign.code, "r": returned or _("nothing")})
        return redirect(reverse("admin:gifts_giftcampaign_change", args=[pk]))

    def close_list_view(self, request, pk):
        if not request.user.has_perm("gifts.view_giftcampaign"):
            raise PermissionDenied
        campaign = get_object_or_404(GiftCampaign.objects.select_related("closed_by"), pk=pk)
        if campaign.closed_at is None:
            raise Http404
        return _pdf(pdf.campaign_close_pdf(campaign), f"{campaign.code}-close")


@admin.register(GiftVoucher)
class GiftVoucherAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["serial", "campaign", "status", "collected_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["serial"]
    exact_search_fields = ("serial",)
    list_select_related = ["campaign"]


@admin.register(GiftDelivery)
class GiftDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["note_number", "item", "quantity", "delivered_by", "counted_by", "received_at", "balance_after",
                    "note_link"]
    list_filter = ["item", "received_at"]
    search_fields = ["=note_number", "delivered_by"]
    list_select_related = ["item", "counted_by"]
    change_list_template = "gifts/delivery_changelist.html"

    @admin.display(description=gettext_lazy("delivery note"))
    def note_link(self, obj):
        return format_html('<a href="{}">PDF</a>', reverse("admin:gifts_giftdelivery_note", args=[obj.pk]))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [path("receive/", view(self.receive_view), name="%s_%s_receive" % info),
                path("<int:pk>/note.pdf", view(self.note_view), name="%s_%s_note" % info)] + super().get_urls()

    def receive_view(self, request):
        if not request.user.has_perm("gifts.add_giftdelivery"):
            raise PermissionDenied
        form = ReceiveForm(request.POST or None)
        done = None
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                done = services.gift_delivery_receive(item=d["item"].code, quantity=d["quantity"],
                                                      note_number=d["note_number"], delivered_by=d["delivered_by"],
                                                      user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.detail} ({exc.code})")
            else:
                form = ReceiveForm()
        result = None
        if done is not None:
            result = {"text": _("Received %(qty)s × %(item)s on note %(note)s: %(after)s now in stock.") % {
                "qty": done.quantity, "item": done.item.name, "note": done.note_number, "after": done.balance_after},
                "link": reverse("admin:gifts_giftdelivery_note", args=[done.pk]),
                "link_text": _("Print the delivery note (3 copies)")}
        return _page(self, request, "gifts/form_page.html", _("Receive gifts (delivery note)"), form=form, result=result)

    def note_view(self, request, pk):
        if not request.user.has_perm("gifts.view_giftdelivery"):
            raise PermissionDenied
        delivery = get_object_or_404(GiftDelivery.objects.select_related("item", "counted_by"), pk=pk)
        return _pdf(pdf.delivery_note_pdf(delivery), delivery.note_number)


@admin.register(GiftIssue)
class GiftIssueAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "campaign", "item", "quantity", "receipt", "voucher", "member", "issued_by",
                    "issued_at", "clawback_kind"]
    list_filter = ["kind", "campaign", "clawback_kind", "issued_at"]
    search_fields = ["receipt__number", "voucher__serial", "card__card_number"]
    exact_search_fields = ("receipt__number", "voucher__serial", "card__card_number")
    list_select_related = ["campaign", "item", "receipt", "voucher", "member", "issued_by"]
    change_list_template = "gifts/issue_changelist.html"
    readonly_fields = ["qualification_words"]

    def get_fields(self, request, obj=None):
        """The stored qualification in its place, read as words (its reason by label, R-GIFT-3)."""
        fields = [name for name in super().get_fields(request, obj) if name != "qualification_words"]
        return ["qualification_words" if name == "qualification" else name for name in fields]

    @admin.display(description=gettext_lazy("qualification"))
    def qualification_words(self, obj):
        qualification = dict(obj.qualification or {})
        if "reason" in qualification:
            reasons = dict(QualificationReason.choices)
            qualification["reason"] = reasons.get(qualification["reason"], qualification["reason"])
        return readable(qualification)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [path("counter/", view(self.counter_view), name="%s_%s_counter" % info),
                path("birthday/", view(self.birthday_view), name="%s_%s_birthday" % info),
                path("<int:pk>/form.pdf", view(self.form_view), name="%s_%s_form" % info)] + super().get_urls()

    def counter_view(self, request):
        """Scan first: a receipt shows every open campaign with the verdict; a voucher shows its campaign."""
        if not request.user.has_perm("gifts.issue_gift"):
            raise PermissionDenied
        if request.method == "POST":
            return self._issue(request)
        scan = ScanForm(request.GET or None)
        receipt = voucher = None
        rows = []
        if scan.is_valid():
            code = scan.cleaned_data["code"].strip()
            receipt = Receipt.objects.filter(side=scan.cleaned_data["side"], number=code).first()
            if receipt is None:
                voucher = GiftVoucher.objects.select_related("campaign__gift_item").filter(serial=code.upper()).first()
            if receipt is None and voucher is None:
                scan.add_error("code", _("No till receipt and no pickup voucher with this number."))
            if receipt is not None:
                for row in selectors.receipt_campaigns(receipt=receipt):
                    row["sentence"] = services.qualification_sentence(row["qualification"], row["campaign"])
                    rows.append(row)
        return _page(self, request, "gifts/counter.html", _("Gift counter"), scan=scan, receipt=receipt,
                     voucher=voucher, rows=rows,
                     receipt_lines=list(receipt.lines.all()) if receipt else [])

    def _issue(self, request):
        campaign = request.POST.get("campaign", "")
        try:
            if request.POST.get("voucher_serial"):
                issue = services.gift_issue_for_voucher(campaign=campaign, serial=request.POST["voucher_serial"],
                                                        user=request.user)
            else:
                issue = services.gift_issue_for_receipt(campaign=campaign, side=request.POST.get("side", ""),
                                                        number=request.POST.get("number", ""), user=request.user)
        except DomainError as exc:
            messages.error(request, f"{exc.detail} ({exc.code})")
        else:
            messages.success(request, _("Give %(qty)s × %(item)s (%(campaign)s). %(left)s left in stock.") % {
                "qty": issue.quantity, "item": issue.item.name, "campaign": issue.campaign.code,
                "left": issue.balance_after})
        back = reverse("admin:gifts_giftissue_counter")
        if request.POST.get("number"):
            back += f"?side={request.POST.get('side', '')}&code={request.POST['number']}"
        return redirect(back)

    def birthday_view(self, request):
        if not request.user.has_perm("gifts.issue_gift"):
            raise PermissionDenied
        form = BirthdayForm(request.POST or None, initial={"card_number": request.GET.get("card", "")})
        result = None
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                issue = services.gift_birthday_issue(card_number=d["card_number"], id_number=d["id_number"],
                                                     item=d["item"].code, user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.detail} ({exc.code})")
            else:
                result = {"text": _("Give %(name)s the birthday gift: %(item)s. %(left)s left in stock.") % {
                    "name": issue.member.name, "item": issue.item.name, "left": issue.balance_after},
                    "link": reverse("admin:gifts_giftissue_form", args=[issue.pk]),
                    "link_text": _("Print the member gift form (2 copies)")}
                form = BirthdayForm()
        return _page(self, request, "gifts/form_page.html", _("Birthday gift"), form=form, result=result)

    def form_view(self, request, pk):
        if not request.user.has_perm("gifts.view_giftissue"):
            raise PermissionDenied
        issue = get_object_or_404(GiftIssue.objects.select_related("member", "card", "item", "issued_by"), pk=pk,
                                  kind="birthday")
        return _pdf(pdf.birthday_form_pdf(issue), f"GI-{issue.pk}")


class StocktakeEventInline(ReadOnlyInline):
    model = GiftEvent
    fk_name = "stocktake"
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "item", "period", "expected", "counted", "variance", "status", "counted_by", "counted_at",
                    "explained_by"]
    list_filter = ["status", "period", "item", "counted_at"]
    search_fields = ["=item__code", "item__name", "explanation"]
    list_select_related = ["item", "counted_by", "explained_by"]
    fields = readonly_fields = ["item", "period", "expected", "counted", "variance", "status", "counted_by",
                                "counted_at", "explanation", "explained_by", "explained_at"]
    inlines = [StocktakeEventInline]
    change_form_template = "gifts/stocktake_change_form.html"
    change_list_template = "gifts/stocktake_changelist.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [path("count/", view(self.count_view), name="%s_%s_count" % info),
                path("<int:pk>/explain/", view(self.explain_view), name="%s_%s_explain" % info)] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        take = self.get_object(request, object_id)
        if take is not None and take.status == StocktakeStatus.NEEDS_EXPLANATION and request.user.has_perm(
                "gifts.explain_variance"):
            extra["explain_form"] = ExplainForm()
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def count_view(self, request):
        if not request.user.has_perm("gifts.add_stocktake"):
            raise PermissionDenied
        form = StocktakeForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                take = services.stocktake_record(item=d["item"].code, counted=d["counted"], period=d["period"],
                                                 user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.detail} ({exc.code})")
            else:
                text = _("%(item)s: counted %(counted)s, ledger %(expected)s, variance %(variance)+d — %(status)s.") % {
                    "item": take.item.code, "counted": take.counted, "expected": take.expected,
                    "variance": take.variance, "status": take.get_status_display()}
                result = {"text": text, "alert": take.variance != 0,
                          "link": reverse("admin:gifts_stocktake_change", args=[take.pk]), "link_text": _("Open the stocktake")}
                form = StocktakeForm()
        return _page(self, request, "gifts/form_page.html", _("Count gift stock"), form=form, result=result)

    def explain_view(self, request, pk):
        if request.method != "POST" or not request.user.has_perm("gifts.explain_variance"):
            raise PermissionDenied
        take = get_object_or_404(Stocktake, pk=pk)
        form = ExplainForm(request.POST)
        if form.is_valid():
            try:
                take = services.stocktake_explain(stocktake=take, explanation=form.cleaned_data["explanation"],
                                                  user=request.user)
            except DomainError as exc:
                messages.error(request, f"{exc.detail} ({exc.code})")
            else:
                messages.success(request, _("Explained: an adjustment of %(v)+d was posted.") % {"v": take.variance})
        else:
            messages.error(request, _("Write why the count differs from the ledger."))
        return redirect(reverse("admin:gifts_stocktake_change", args=[pk]))


@admin.register(GiftStockEntry)
class GiftStockEntryAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["at", "item", "kind", "quantity", "balance_after", "reference", "by"]
    list_filter = ["kind", "item", "at"]
    search_fields = ["reference"]
    exact_search_fields = ("reference", "item__code")
    list_select_related = ["item", "by"]
    change_list_template = "gifts/ledger_changelist.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("export/", self.admin_site.admin_view(self.export_view), name="%s_%s_export" % info)] + super().get_urls()

    def export_view(self, request):
        """Finance: the month's gift stock ledger, streamed (R-FIN-1)."""
        if not request.user.has_perm("gifts.view_giftstockentry"):
            raise PermissionDenied
        form = ExportForm(request.GET or None)
        if request.GET and form.is_valid():
            month, fmt = form.cleaned_data["month"], form.cleaned_data["format"]
            name = f"gift-stock-ledger-{month}"
            if fmt == "csv":
                response = StreamingHttpResponse(exports.ledger_csv_chunks(month=month),
                                                 content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
            return FileResponse(exports.ledger_xlsx_file(month=month), as_attachment=True, filename=f"{name}.xlsx")
        return _page(self, request, "gifts/form_page.html", _("Export a month's gift stock ledger"), form=form)
