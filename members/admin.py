"""Back-office screens of members/: the policy (effective-dated, with its tables), cards and members,
the Member 360 counter page, enrolment counter page, read-only ledgers, finance exports, and the
receipt admin with its points explanation and the till-export import."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportActionMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from receipts.admin import ReceiptAdmin as BaseReceiptAdmin
from receipts.models import Receipt
from servicedesk.admin_tools import LargeTableAdminMixin
from servicedesk.errors import DomainError

from . import exports, pdf, rules, selectors, services
from .choices import QualificationKind, Wallet
from .forms import AdjustForm, EnrolForm, ExportForm, RedeemForm, ReplaceForm, VoucherForm, parse_receipt_keys
from .models import (
    BirthdayMailing,
    Card,
    CardEvent,
    CardReplacement,
    CardStock,
    CardStockEntry,
    CategoryRate,
    CounterRate,
    Member,
    MemberPolicy,
    PointsEntry,
    PromotionRule,
    RebateBracket,
    RebateRun,
    ReceiptPoints,
    SmsOutbox,
    UnmaskedAccessLog,
    Voucher,
    VoucherRate,
)


class ReadOnlyAdminMixin:
    """Ledgers and logs are append-only: readable, never added, changed or deleted in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------- policy

class CategoryRateInline(admin.TabularInline):
    model = CategoryRate
    extra = 0


class CounterRateInline(admin.TabularInline):
    model = CounterRate
    extra = 0


class RebateBracketInline(admin.TabularInline):
    model = RebateBracket
    extra = 0


class VoucherRateInline(admin.TabularInline):
    model = VoucherRate
    extra = 0


@admin.register(MemberPolicy)
class MemberPolicyAdmin(SimpleHistoryAdmin):
    """Each version applies from `effective_from`; a receipt is explained by the version in force when rung.
    To change a number from a date on, copy the current version (it starts tomorrow 00:00) and edit the copy
    before it takes effect; versions in force are read-only."""

    list_display = ["effective_from", "note", "special_price_ratio", "market_yuan_per_point", "card_fee", "upgrade_year_spend"]
    search_fields = ["note"]
    list_filter = ["effective_from"]
    inlines = [CategoryRateInline, CounterRateInline, RebateBracketInline, VoucherRateInline]
    actions = ["copy_as_new_version"]

    def has_change_permission(self, request, obj=None):
        # A version in force explains past receipts: it is never edited; copy it into a new version instead.
        if obj is not None and obj.effective_from <= timezone.now():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.effective_from <= timezone.now():
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(permissions=["add"], description=gettext_lazy("Copy as a new version from tomorrow"))
    def copy_as_new_version(self, request, queryset):
        for policy in queryset[:1]:
            tomorrow = timezone.localdate() + dt.timedelta(days=1)
            starts = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time()))
            if MemberPolicy.objects.filter(effective_from=starts).exists():
                self.message_user(request, _("A version starting tomorrow already exists; edit that one."), messages.ERROR)
                return
            with transaction.atomic():
                children = [(m, list(m.objects.filter(policy=policy))) for m in
                            (CategoryRate, CounterRate, RebateBracket, VoucherRate)]
                policy.pk = None
                policy.id = None
                policy.effective_from = starts
                policy.note = _("Copy — edit before it takes effect")
                policy.save()
                for model, rows in children:
                    for row in rows:
                        row.pk = None
                        row.policy = policy
                    model.objects.bulk_create(rows)
            self.message_user(request, _("New version created; it takes effect at %(t)s.") % {"t": policy.effective_from})


@admin.register(PromotionRule)
class PromotionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "side", "starts_at", "ends_at", "counters", "categories", "multiplier", "yuan_per_point"]
    list_filter = ["side", "starts_at"]
    search_fields = ["name", "counters", "categories"]


# ---------------------------------------------------------------- members and cards

@admin.register(Member)
class MemberAdmin(LargeTableAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "phone_masked", "id_type", "id_masked", "birthday", "created_at"]
    list_filter = ["id_type"]
    search_fields = ["name"]
    exact_search_fields = ("phone", "id_number", "name")
    readonly_fields = ["phone_masked", "id_masked"]
    exclude = ["phone", "id_number"]

    @admin.display(description=gettext_lazy("mobile phone"))
    def phone_masked(self, obj):
        return obj.masked_phone

    @admin.display(description=gettext_lazy("document number"))
    def id_masked(self, obj):
        return obj.masked_id_number

    def has_add_permission(self, request):
        return False  # members are enrolled on the enrolment page (R-VIP-1..6)

    def has_delete_permission(self, request, obj=None):
        return False


class CardEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CardEvent
    extra = 0
    fields = ["created_at", "type", "user", "parameters"]
    readonly_fields = fields


@admin.register(Card)
class CardAdmin(LargeTableAdminMixin, SimpleHistoryAdmin):
    list_display = ["card_number", "member", "tier", "status", "dept_points", "market_points", "stored_value", "issued_at"]
    list_filter = ["tier", "status", "qualification_kind"]
    search_fields = ["member__name"]
    exact_search_fields = ("card_number", "legacy_card_number", "member__phone")
    list_select_related = ["member"]
    readonly_fields = ["card_number", "member", "tier", "status", "issued_at", "issued_by", "qualification_kind",
                       "legacy_card_number", "blocked_at", "dept_points", "market_points", "stored_value"]
    inlines = [CardEventInline]
    change_list_template = "members/card_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("360/", view(self.member360_view), name="%s_%s_360" % info),
            path("360/<str:card_number>/<str:action>/", view(self.member360_action), name="%s_%s_360_action" % info),
            path("enrol/", view(self.enrol_view), name="%s_%s_enrol" % info),
            path("enrol/check/", view(self.enrol_check_view), name="%s_%s_enrol_check" % info),
            path("<str:card_number>/application.pdf", view(self.application_pdf_view), name="%s_%s_application_pdf" % info),
        ] + super().get_urls()

    # ---- Member 360

    def member360_view(self, request):
        """Find a member by card scan, phone or name (one box); show everything the desk needs at once."""
        if not request.user.has_perm("members.view_card"):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()
        card_number = request.GET.get("card", "").strip()
        results: list[Card] = []
        card = None
        if card_number:
            card = Card.objects.select_related("member").filter(card_number=card_number).first()
        elif term:
            results = selectors.members_search(term=term)
            if len(results) == 1:
                card = results[0]
        context = {**self.admin_site.each_context(request), "title": _("Member 360"), "opts": self.opts, "q": term,
                   "results": results, "card": card}
        if card is not None:
            context.update(self._member360_context(request, card))
        return TemplateResponse(request, "members/member_360.html", context)

    def _member360_context(self, request, card: Card) -> dict:
        member = card.member
        numbers = list(member.cards.values_list("card_number", flat=True))
        year = timezone.localdate().year
        year_spend = (Receipt.objects.filter(card_number__in=numbers, business_date__year=year)
                      .aggregate(s=Sum("total"))["s"]) or 0
        receipts = list(Receipt.objects.filter(card_number__in=numbers).select_related("points").order_by("-rung_at")[:10])
        ledger = selectors.ledger_for_card(card=card, limit=50)
        user = request.user
        return {
            "member": member,
            "phone": selectors.member_phone_for(member=member, user=user, context=f"member 360 {card.card_number}"),
            "id_number": member.masked_id_number,
            "other_cards": numbers,
            "year_spend": year_spend,
            "receipts": receipts,
            "ledger": ledger,
            "forms": {
                "voucher": VoucherForm() if user.has_perm("members.redeem_points") else None,
                "redeem": RedeemForm() if user.has_perm("members.redeem_points") else None,
                "adjust": AdjustForm() if user.has_perm("members.adjust_points") else None,
                "replace": ReplaceForm() if user.has_perm("members.replace_card") else None,
            },
            "vouchers": list(card.vouchers.order_by("-id")[:5]),
        }

    def member360_action(self, request, card_number, action):
        if request.method != "POST":
            raise PermissionDenied
        card = get_object_or_404(Card.objects.select_related("member"), card_number=card_number)
        forms = {"voucher": VoucherForm, "redeem": RedeemForm, "adjust": AdjustForm, "replace": ReplaceForm}
        if action not in forms:
            raise PermissionDenied
        form = forms[action](request.POST)
        target = reverse("admin:members_card_360") + f"?card={card.card_number}"
        if not form.is_valid():
            messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()))
            return redirect(target)
        d = form.cleaned_data
        try:
            if action == "voucher":
                voucher = services.voucher_exchange(card=card, points=d["points"], user=request.user)
                messages.success(request, _("Voucher %(s)s for %(v)s issued.") % {"s": voucher.serial, "v": voucher.value})
            elif action == "redeem":
                services.points_redeem(card=card, points=d["points"], reference=d["reference"], user=request.user)
                messages.success(request, _("%(p)s points redeemed.") % {"p": d["points"]})
            elif action == "adjust":
                delta = d["amount"] if d["wallet"] == Wallet.STORED_VALUE else d["points"]
                services.points_adjust(card=card, wallet=d["wallet"], delta=delta or 0, reason=d["reason"], user=request.user)
                messages.success(request, _("Balance adjusted."))
            else:
                rep = services.card_replace(card=card, reason=d["reason"], id_number=d["id_number"], user=request.user)
                messages.success(request, _("New card %(c)s issued; fee %(f)s.") % {"c": rep.new_card.card_number, "f": rep.fee})
                target = reverse("admin:members_card_360") + f"?card={rep.new_card.card_number}"
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            messages.error(request, f"{exc.detail} ({exc.code})")
        return redirect(target)

    # ---- enrolment counter page

    def enrol_view(self, request):
        if not request.user.has_perm("members.add_card"):
            raise PermissionDenied
        form = EnrolForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                card = services.member_enrol(
                    name=d["name"], phone=d["phone"], address=d["address"], id_type=d["id_type"], id_number=d["id_number"],
                    birthday=d["birthday"], tier=d["tier"], kind=d["kind"], receipts=form.receipt_keys(),
                    legacy_card_number=d["legacy_card_number"], user=request.user,
                )
            except DomainError as exc:
                form.add_error(None, f"{exc.detail} ({exc.code})")
                for field, errors in exc.fields.items():
                    if field in form.fields:
                        form.add_error(field, "; ".join(str(e) for e in errors))
            else:
                pdf_url = reverse("admin:members_card_application_pdf", args=[card.card_number])
                messages.success(request, format_html(_("Card {} issued. <a href=\"{}\">Print the application form</a>."),
                                                      card.card_number, pdf_url))
                return redirect(reverse("admin:members_card_360") + f"?card={card.card_number}")
        context = {**self.admin_site.each_context(request), "title": _("VIP card enrolment"), "opts": self.opts,
                   "form": form, "check_url": reverse("admin:members_card_enrol_check")}
        return TemplateResponse(request, "members/enrol.html", context)

    def enrol_check_view(self, request):
        """Live qualification: the receipts typed so far, their total and what they qualify for."""
        if not request.user.has_perm("members.add_card"):
            raise PermissionDenied
        kind = request.GET.get("kind", QualificationKind.DAILY_SPEND)
        keys = parse_receipt_keys(request.GET.get("receipts", ""))
        found, missing, used = [], [], []
        for side, number in keys[:50]:
            receipt = Receipt.objects.filter(side=side, number=number).first()
            if receipt is None:
                missing.append(number)
                continue
            found.append(receipt)
            if receipt.qualified_cards.exists():
                used.append(number)
        total = sum((r.total for r in found), 0)
        days = sorted({r.business_date.isoformat() for r in found})
        if kind == QualificationKind.LEGACY_CARD:
            result = {"tier": "gold", "cards": 1, "rule": "R-VIP-5"}
        else:
            try:
                q = rules.qualification_for(kind=kind, total=total, policy=selectors.policy_at(at=timezone.now()))
            except ValueError:
                return JsonResponse({"error": "kind"}, status=400)
            result = {"tier": q.tier, "cards": q.cards, "rule": q.rule}
        return JsonResponse({"total": f"{total:.2f}", "days": days, "missing": missing, "used": used,
                             "ok": bool(result["tier"]) and not missing and len(days) <= 1 and not used, **result})

    def application_pdf_view(self, request, card_number):
        card = get_object_or_404(Card.objects.select_related("member", "issued_by"), card_number=card_number)
        if not request.user.has_perm("members.view_card"):
            raise PermissionDenied
        member = card.member
        receipts = [f"{q.receipt.side}:{q.receipt.number}" for q in card.qualifications.select_related("receipt")]
        facts = pdf.ApplicationFacts(
            card_number=card.card_number, tier_label=str(card.get_tier_display()), name=member.name,
            phone_masked=member.masked_phone, address=member.address, id_type_label=str(member.get_id_type_display()),
            id_number_masked=member.masked_id_number, birthday=member.birthday.isoformat() if member.birthday else "—",
            qualification=str(card.get_qualification_kind_display()), receipts=receipts,
            issued_at=timezone.localtime(card.issued_at).strftime("%Y-%m-%d %H:%M"),
            clerk=card.issued_by.username if card.issued_by else "",
        )
        response = HttpResponse(pdf.application_form_pdf(facts), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="application-{card.card_number}.pdf"'
        return response


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
    list_display = ["on_hand", "next_number", "low"]
    readonly_fields = ["on_hand", "next_number"]
    search_fields = ["on_hand"]
    actions = ["receive_500"]

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


# ---------------------------------------------------------------- receipts: points explanation + import

admin.site.unregister(Receipt)


class ReceiptPointsInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = ReceiptPoints
    extra = 0
    fields = ["card", "wallet", "points", "birthday_multiplier", "policy", "explanation_table"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Points earned (R-PTS-1..5)")

    @admin.display(description=gettext_lazy("explanation"))
    def explanation_table(self, obj):
        lines = (obj.explanation or {}).get("lines", [])
        if not lines:
            return "—"
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((ln["line_no"], ln["amount"], ln["basis"], ln["rule"], ln.get("yuan_per_point") or "—", ln.get("multiplier"),
              ln.get("promotion") or "") for ln in lines),
        )
        groups = "; ".join(f"{g['amount']} ÷ {g['yuan_per_point']} × {g['multiplier']} = {g['points']}"
                           for g in obj.explanation.get("groups", []))
        return format_html(
            '<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>'
            "<p>{}: {} × {} ({}) = {}</p>",
            _("line"), _("amount"), _("basis"), _("rule"), _("yuan/pt"), _("multiplier"), _("promotion"), rows,
            _("groups"), groups or "—", obj.birthday_multiplier, _("birthday"), obj.points,
        )


@admin.register(Receipt)
class ReceiptAdmin(ImportMixin, BaseReceiptAdmin):
    """The receipts admin plus the points explanation and the import of a day's till export (dry-run preview)."""

    inlines = [*BaseReceiptAdmin.inlines, ReceiptPointsInline]
    list_select_related = ["points"]

    def get_resource_classes(self, request=None):
        from receipts.resources import TillExportResource

        return [TillExportResource]

    def has_import_permission(self, request):
        return request.user.has_perm("receipts.import_receipts")


