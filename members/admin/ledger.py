"""Members admin: the points ledger, vouchers, replacements, logs, rebate runs, card stock, SMS outbox."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportActionMixin

from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyAdminMixin
from servicedesk.numbering import number_peek

from .. import exports, pdf, rules, selectors, services
from ..forms import ExportForm
from ..models import (
    BirthdayMailing,
    CardReplacement,
    CardStock,
    CardStockEntry,
    PointsEntry,
    RebateRun,
    SmsOutbox,
    UnmaskedAccessLog,
    Voucher,
)

# ---------------------------------------------------------------- ledger and exports

@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["id", "at", "card", "wallet", "kind", "points", "amount", "balance_after", "reference", "by"]
    list_filter = ["wallet", "kind", "at"]
    search_fields = ["reference"]
    exact_search_fields = ("card__card_number", "reference")
    list_select_related = ["card", "by"]
    change_list_template = "members/ledger_changelist.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("export/", self.admin_site.admin_view(self.export_view), name="%s_%s_export" % info)] + super().get_urls()

    def export_view(self, request):
        """Finance: the month's points or stored-value ledger, streamed (never built in memory)."""
        if not request.user.has_perm("members.view_pointsentry"):
            raise PermissionDenied
        form = ExportForm(request.GET or None)
        if request.GET and form.is_valid():
            d = form.cleaned_data
            wallets = exports.MONEY_WALLETS if d["ledger"] == "stored_value" else exports.POINT_WALLETS
            name = f"{d['ledger']}-ledger-{d['month']}"
            if d["format"] == "csv":
                response = StreamingHttpResponse(exports.ledger_csv_chunks(month=d["month"], wallets=wallets),
                                                 content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
            return FileResponse(exports.ledger_xlsx_file(month=d["month"], wallets=wallets), as_attachment=True,
                                filename=f"{name}.xlsx")
        context = {**self.admin_site.each_context(request), "title": _("Export a month's ledger"), "opts": self.opts,
                   "form": form}
        return TemplateResponse(request, "members/export.html", context)


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["serial", "card", "points", "value", "issued_by", "created_at", "print_link"]
    list_filter = ["value", "created_at"]
    search_fields = ["serial"]
    exact_search_fields = ("serial", "card__card_number")
    list_select_related = ["card", "issued_by"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        pdf_url = path("<int:pk>/voucher.pdf", self.admin_site.admin_view(self.pdf_view), name="%s_%s_pdf" % info)
        return [pdf_url] + super().get_urls()

    @admin.display(description=gettext_lazy("print"))
    def print_link(self, obj):
        return format_html('<a href="{}">PDF</a>', reverse("admin:members_voucher_pdf", args=[obj.pk]))

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        v = get_object_or_404(Voucher.objects.select_related("card"), pk=pk)
        data = pdf.voucher_pdf(serial=v.serial, value=f"{v.value:.2f}", points=v.points, card_number=v.card.card_number,
                               issued_at=timezone.localtime(v.created_at).strftime("%Y-%m-%d %H:%M"))
        return HttpResponse(data, content_type="application/pdf")


@admin.register(CardReplacement)
class CardReplacementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["old_card", "new_card", "reason", "fee", "by", "created_at"]
    list_filter = ["reason", "created_at"]
    search_fields = ["old_card__card_number", "new_card__card_number"]
    list_select_related = ["old_card", "new_card", "by"]


@admin.register(UnmaskedAccessLog)
class UnmaskedAccessLogAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "member", "context"]
    list_filter = ["at"]
    search_fields = ["context", "user__username"]
    list_select_related = ["user", "member"]


@admin.register(RebateRun)
class RebateRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "status", "cards", "cleared", "rebated", "total", "started_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["year"]


@admin.register(CardStock)
class CardStockAdmin(admin.ModelAdmin):
    list_display = ["on_hand", "next_card_number", "low"]
    readonly_fields = ["on_hand", "next_card_number"]
    search_fields = ["on_hand"]
    actions = ["receive_500"]

    @admin.display(description=gettext_lazy("next card number"))
    def next_card_number(self, obj):
        return f"88{number_peek(key='card'):011d}"

    @admin.display(boolean=True, description=gettext_lazy("low (R-CARD-3)"))
    def low(self, obj):
        return rules.card_stock_low(on_hand=obj.on_hand, policy=selectors.policy_at(at=timezone.now()))

    @admin.action(permissions=["change"], description=gettext_lazy("Receive 500 blank cards"))
    def receive_500(self, request, queryset):
        services.card_stock_receive(quantity=500, user=request.user)
        self.message_user(request, _("500 blank cards received."))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CardStockEntry)
class CardStockEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "change", "balance_after", "reason", "card", "by"]
    list_filter = ["at"]
    search_fields = ["reason"]
    list_select_related = ["card", "by"]


@admin.register(SmsOutbox)
class SmsOutboxAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "phone_masked", "status", "key", "text"]
    list_filter = ["status", "created_at"]
    search_fields = ["key"]
    exact_search_fields = ("phone", "key")

    @admin.display(description=gettext_lazy("phone"))
    def phone_masked(self, obj):
        return rules.mask_phone(obj.phone)


@admin.register(BirthdayMailing)
class BirthdayMailingAdmin(ReadOnlyAdminMixin, ExportActionMixin, admin.ModelAdmin):
    list_display = ["birthday", "card", "member_name", "address", "dept_points", "year"]
    list_filter = ["year", "birthday"]
    search_fields = ["card__card_number", "card__member__name"]
    list_select_related = ["card__member"]

    @admin.display(description=gettext_lazy("name"))
    def member_name(self, obj):
        return obj.card.member.name

    @admin.display(description=gettext_lazy("mailing address"))
    def address(self, obj):
        return obj.card.member.address
