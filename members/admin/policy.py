"""Members admin: the membership policy versions and their rate, bracket and voucher rows, promotions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from receipts.choices import Category
from servicedesk.errors import DomainError
from servicedesk.forms import ChecklistField

from .. import services
from ..models import (
    CategoryRate,
    CounterRate,
    MemberPolicy,
    PromotionRule,
    RebateBracket,
    VoucherRate,
)

# ---------------------------------------------------------------- policy

def _policy_rows_inline(row_model) -> type:
    """The rows of a policy version (rates, brackets, voucher table), edited on the version's page."""
    return type(f"{row_model.__name__}Inline", (admin.TabularInline,), {"model": row_model, "extra": 0})


CategoryRateInline, CounterRateInline, RebateBracketInline, VoucherRateInline = (
    _policy_rows_inline(m) for m in (CategoryRate, CounterRate, RebateBracket, VoucherRate))


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
            try:
                copy = services.member_policy_copy_as_new_version(policy=policy)
            except DomainError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
                return
            when = date_format(timezone.localtime(copy.effective_from), "DATETIME_FORMAT")
            self.message_user(request, _("New version created; it takes effect at %(t)s.") % {"t": when})


def _category_codes(value: str) -> list[str]:
    return [code.strip() for code in (value or "").split(",") if code.strip()]


class PromotionRuleForm(forms.ModelForm):
    """R-PTS-3: a promotion's categories are ticked by their names; stored comma-separated as before."""

    class Meta:
        model = PromotionRule
        fields = ["name", "side", "starts_at", "ends_at", "counters", "categories", "multiplier", "yuan_per_point",
                  "platinum_only"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "categories" in self.fields:
            old = self.fields["categories"]
            self.fields["categories"] = ChecklistField(choices=Category.choices, label=old.label,
                                                       help_text=_("None ticked: every category of the side."))
            self.initial["categories"] = _category_codes(self.initial.get("categories"))

    def clean_categories(self):
        return ",".join(self.cleaned_data.get("categories") or [])


@admin.register(PromotionRule)
class PromotionRuleAdmin(SimpleHistoryAdmin):
    form = PromotionRuleForm
    list_display = ["name", "side", "starts_at", "ends_at", "counters", "category_names", "multiplier", "yuan_per_point"]
    list_filter = ["side", "starts_at"]
    search_fields = ["name", "counters", "categories"]
    readonly_fields = ["category_names"]

    def get_fields(self, request, obj=None):
        """Read-only, the categories show their names (化妆品), not their codes."""
        fields = [name for name in super().get_fields(request, obj) if name != "category_names"]
        if obj is not None and not self.has_change_permission(request, obj):
            return ["category_names" if name == "categories" else name for name in fields]
        return fields

    @admin.display(description=gettext_lazy("categories"), ordering="categories")
    def category_names(self, obj):
        labels = dict(Category.choices)
        return "、".join(str(labels.get(code, code)) for code in _category_codes(obj.categories)) or "—"
