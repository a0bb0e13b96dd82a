"""Members admin: members and cards, with the counter pages (Member 360, enrolment, vouchers, replacement)."""

from __future__ import annotations

from crispy_forms.utils import render_crispy_form
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from receipts.models import Receipt
from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyAdminMixin, confirmation_page, confirmed
from servicedesk.errors import DomainError
from servicedesk.extensions import panels_for

from .. import pdf, rules, selectors, services
from ..choices import EntryKind, QualificationKind, Tier, Wallet
from ..forms import AdjustForm, EnrolForm, RedeemForm, ReplaceForm, VoucherForm, parse_receipt_keys
from ..models import (
    Card,
    CardEvent,
    Member,
)

# ---------------------------------------------------------------- members and cards

# Member 360 shows the latest ledger lines, the rest is one link away ("Full ledger"): the page is what the
# clerk sees after every scan, so it stays small (benchmarks/scan_chromium.py, goal < 200 ms).
MEMBER_360_LEDGER_ROWS = 20


_BLANK_FORMS: dict[tuple[type, str], str] = {}


def _blank_form_html(form_class) -> str:
    """The action forms on Member 360 are always blank (the card is in the form's URL, the CSRF token outside
    the crispy block): their HTML is the same for every card, so it is rendered once per form and language."""
    key = (form_class, get_language())
    if key not in _BLANK_FORMS:
        _BLANK_FORMS[key] = render_crispy_form(form_class())
    return _BLANK_FORMS[key]


def _ledger_rows(entries) -> str:
    """The ledger table's rows, built in Python: the template engine spent most of the page's time on them."""
    wallets, kinds = dict(Wallet.choices), dict(EntryKind.choices)
    return format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td></tr>", (
        (date_format(timezone.localtime(e.at), "SHORT_DATETIME_FORMAT"), wallets.get(e.wallet, e.wallet),
         kinds.get(e.kind, e.kind), e.points, e.amount, e.balance_after, e.reference, e.by or "")
        for e in entries))

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
    readonly_fields = ["card_number", "member", "tier", "status", "current_card", "issued_at", "issued_by",
                       "qualification_kind", "legacy_card_number", "blocked_at", "dept_points", "market_points",
                       "stored_value"]
    inlines = [CardEventInline]

    @admin.display(description=gettext_lazy("current card"))
    def current_card(self, obj):
        """A blocked or replaced card shows zero balances: its page leads to the card now carrying them
        (R-CARD-1/2, issue 15)."""
        if obj is None or obj.pk is None or obj.status == "active":
            return "—"
        current = selectors.card_current(card=obj)
        if current.pk == obj.pk:
            return _("No replacement card yet.")
        return format_html(
            '<span id="card-replaced-by">{} <a href="{}">{}</a> · <a href="{}?card={}">{}</a></span>',
            _("The balances are on card"), reverse("admin:members_card_change", args=[current.pk]), current.card_number,
            reverse("admin:members_card_360"), current.card_number, _("Member 360"))
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
                # the address bar shows the card's own address (desk.js), so reload and Back open the card
                request.desk_address = request.path + f"?card={card.card_number}"
        context = {**self.admin_site.each_context(request), "title": _("Member 360"), "opts": self.opts, "q": term,
                   "results": results, "card": card}
        if card is not None:
            context.update(self._member360_context(request, card))
        return TemplateResponse(request, "members/member_360.html", context)

    def _member360_context(self, request, card: Card) -> dict:
        member = card.member
        numbers = list(member.cards.values_list("card_number", flat=True))
        year_spend = selectors.member_year_spend(member=member, year=timezone.localdate().year, card_numbers=numbers)
        receipts = list(Receipt.objects.filter(card_number__in=numbers).select_related("points").order_by("-rung_at")[:10])
        ledger = selectors.ledger_for_card(card=card, limit=MEMBER_360_LEDGER_ROWS)
        user = request.user
        return {
            "member": member,
            "phone": selectors.member_phone_for(member=member, user=user, context=f"member 360 {card.card_number}"),
            "id_number": member.masked_id_number,
            "other_cards": numbers,
            "year_spend": year_spend,
            "receipts": receipts,
            "ledger_rows": _ledger_rows(ledger),
            "forms": {
                "voucher": _blank_form_html(VoucherForm) if user.has_perm("members.redeem_points") else None,
                "redeem": _blank_form_html(RedeemForm) if user.has_perm("members.redeem_points") else None,
                "adjust": _blank_form_html(AdjustForm) if user.has_perm("members.adjust_points") else None,
                "replace": _blank_form_html(ReplaceForm) if user.has_perm("members.replace_card") else None,
            },
            "vouchers": list(card.vouchers.order_by("-id")[:5]),
            # sections other apps add (birthday gift due, gift wrapping…): servicedesk.extensions.page_panels
            "panels": panels_for(target="members.card", obj=card, request=request),
            # a blocked or replaced card leads to the card now carrying its balances (R-CARD-1/2)
            "current_card": selectors.card_current(card=card) if card.status != "active" else None,
        }

    def member360_action(self, request, card_number, action):
        if request.method != "POST":
            raise PermissionDenied
        card = get_object_or_404(Card.objects.select_related("member"), card_number=card_number)
        forms = {"voucher": VoucherForm, "redeem": RedeemForm, "adjust": AdjustForm, "replace": ReplaceForm}
        needs = {"voucher": "members.redeem_points", "redeem": "members.redeem_points",
                 "adjust": "members.adjust_points", "replace": "members.replace_card"}
        if action not in forms or not request.user.has_perm(needs[action]):
            raise PermissionDenied  # before anything, the confirmation step included
        form = forms[action](request.POST)
        target = reverse("admin:members_card_360") + f"?card={card.card_number}"
        if not form.is_valid():
            messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()))
            return redirect(target)
        d = form.cleaned_data
        if action != "adjust" and not confirmed(request):
            return self._member360_confirm(request, card=card, action=action, data=d, cancel_url=target)
        try:
            if action == "voucher":
                voucher = services.voucher_exchange(card=card, points=d["points"], user=request.user)
                # the paper voucher is printed right away (issue 15, item 4): the print link in the message
                messages.success(request, format_html('{} <a href="{}" id="voucher-print" class="btn btn-primary">{}</a>',
                                                      _("Voucher %(s)s for %(v)s issued.") % {"s": voucher.serial,
                                                                                               "v": voucher.value},
                                                      reverse("admin:members_voucher_pdf", args=[voucher.pk]),
                                                      _("print")))
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

    def _member360_confirm(self, request, *, card: Card, action: str, data: dict, cancel_url: str):
        """What the voucher, redemption or replacement is about to do, with its amounts (nothing written yet)."""
        policy = selectors.policy_at(at=timezone.now())
        who = (_("Card"), f"{card.member.name} — {card.card_number} ({card.get_tier_display()})")
        url = reverse("admin:members_card_360_action", args=[card.card_number, action])
        if action == "voucher":
            value = rules.voucher_value(points=int(data["points"]), table=policy.vouchers)
            lines = [who, (_("Supermarket points deducted"), str(data["points"])),
                     (_("Voucher value"), f"{value:.2f}" if value is not None else _("not on the voucher table")),
                     (_("Supermarket points after"), str(card.market_points - int(data["points"])))]
            return confirmation_page(request, title=_("Issue a goods voucher?"), lines=lines, action_url=url,
                                     cancel_url=cancel_url, confirm_label=_("Issue the voucher"))
        if action == "redeem":
            lines = [who, (_("Department-store points redeemed"), str(data["points"])),
                     (_("For"), data["reference"]), (_("Points after"), str(card.dept_points - int(data["points"])))]
            return confirmation_page(request, title=_("Redeem points for a gift?"), lines=lines, action_url=url,
                                     cancel_url=cancel_url, confirm_label=_("Redeem the points"))
        lost = data["reason"] == "lost"
        lines = [who, (_("Reason"), dict(ReplaceForm.base_fields["reason"].choices).get(data["reason"], data["reason"])),
                 (_("Fee"), f"{policy.card_fee:.2f}" if lost else "0.00"),
                 (_("The old card"), _("is blocked at once (R-CARD-1)") if lost else _("is replaced (R-CARD-2)")),
                 (_("Balances moved to the new card"),
                  _("%(d)s dept points, %(m)s market points, %(s)s stored value")
                  % {"d": card.dept_points, "m": card.market_points, "s": f"{card.stored_value:.2f}"})]
        return confirmation_page(request, title=_("Block and replace this card?") if lost else _("Replace this card?"),
                                 lines=lines, action_url=url, cancel_url=cancel_url,
                                 confirm_label=_("Block and issue a new card") if lost else _("Issue a new card"))

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
        try:
            preview = selectors.qualification_preview(kind=kind, keys=keys, now=timezone.now())
        except ValueError:
            return JsonResponse({"error": "kind"}, status=400)
        # The page shows the tier's label, never its code ("可办理: gold × 1", issue 15).
        tier = preview.get("tier")
        return JsonResponse({**preview, "tier_label": str(Tier(tier).label) if tier in Tier.values else (tier or "")})

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
