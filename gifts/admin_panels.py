"""What gifts/ shows on other apps' pages: the gifts of a receipt on its admin page (admin_inlines), and
the birthday-gift section of Member 360 (page_panels, R-GIFT-5)."""

from __future__ import annotations

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from servicedesk.admin_tools import ReadOnlyAdminMixin

from . import rules, selectors
from .models import GiftIssue, GiftItem


class ReceiptGiftsInline(ReadOnlyAdminMixin, admin.TabularInline):
    """R-GIFT-3 / R-GIFT-4: the gifts issued against this receipt (and whether a return took them back)."""

    model = GiftIssue
    fk_name = "receipt"
    extra = 0
    fields = ["campaign", "item", "quantity", "unit_value", "kind", "voucher", "issued_by", "issued_at",
              "clawback_kind", "clawback_reference", "clawback_amount"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Gifts issued on this receipt (R-GIFT-3)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign", "item", "voucher", "issued_by")


def birthday_panel_html(*, card, request) -> str:
    """Member 360: the birthday gift — offered when due (R-VIP-9 / R-GIFT-5), or when it was collected."""
    user = request.user
    if not user.has_perm("gifts.view_giftissue"):
        return ""
    today = timezone.localdate()
    member = card.member
    collected = selectors.birthday_collected(member=member, year=today.year)
    policy = selectors.policy_in_force(on=today)
    due = rules.birthday_due(birthday=member.birthday, today=today, window_days=policy.birthday_offer_days,
                             collected_this_year=collected is not None)
    if not due and collected is None:
        return ""
    context = {
        "card": card, "member": member, "collected": collected, "due": due,
        "can_issue": due and card.status == "active" and user.has_perm("gifts.issue_gift"),
        "items": list(GiftItem.objects.filter(on_hand__gt=0).order_by("code")[:50]),
        "action": reverse("admin:gifts_giftissue_birthday"),
        "form_url": reverse("admin:gifts_giftissue_form", args=[collected.pk]) if collected else "",
    }
    return render_to_string("gifts/birthday_panel.html", context, request=request)
