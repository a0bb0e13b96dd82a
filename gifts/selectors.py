"""Reads of gifts/: the policy in force, a receipt's facts net of refunds, which campaigns a receipt
qualifies for, the stock ledger checks and the dashboard lists."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.utils import timezone

from receipts.models import Receipt
from servicedesk.extensions import receipt_facts

from . import rules
from .choices import CampaignStatus, IssueKind, StocktakeStatus
from .models import GiftCampaign, GiftIssue, GiftItem, GiftPolicy, GiftStockEntry, Stocktake

FACTS_NAME = "gifts"  # our own receipt_facts provider (skipped when we read the others' facts)


def policy_in_force(*, on: dt.date | None = None) -> GiftPolicy:
    """The policy row in force on a store date; an installation without one uses the defaults (unsaved)."""
    on = on or timezone.localdate()
    return GiftPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first() or GiftPolicy(
        effective_from=on)


def _departments():
    """complaints.Department, a sibling app: looked up through the app registry by code (no import, no foreign
    key); None when that app is not installed."""
    try:
        return apps.get_model("complaints", "Department")
    except LookupError:
        return None


def department_choices() -> list[tuple[str, str]] | None:
    """The owning-department choices as (code, name), by name; None without the complaints app."""
    department = _departments()
    if department is None:
        return None
    return list(department.objects.filter(active=True).order_by("name", "code").values_list("code", "name"))


def campaigns_with_owner_name(queryset: QuerySet) -> QuerySet:
    """Campaigns with `owner_name`, the owning department's name (what a page shows instead of its code)."""
    department = _departments()
    if department is None:
        return queryset.annotate(owner_name=Value(""))
    names = department.objects.filter(code=OuterRef("owner_department")).values("name")[:1]
    return queryset.annotate(owner_name=Subquery(names))


def department_name(code: str) -> str:
    """One department's name ("" for none or without the complaints app)."""
    department = _departments()
    if department is None or not code:
        return ""
    return department.objects.filter(code=code).values_list("name", flat=True).first() or ""


def campaign_rule(campaign: GiftCampaign) -> rules.CampaignRule:
    return rules.CampaignRule(campaign.code, campaign.side, campaign.starts_on, campaign.ends_on,
                              tuple(campaign.categories or ()), campaign.min_spend)


def receipt_returned_lines(*, receipt: Receipt) -> dict[int, int]:
    """{line_no: pieces on non-rejected refund slips}, as the returns app publishes it (receipt facts), so
    qualifying spend is counted net of refunds (R-GIFT-3) without importing returns."""
    returned: dict[int, int] = {}
    for provider in receipt_facts:
        if provider.name == FACTS_NAME:
            continue
        facts = provider.for_receipts(receipts=[receipt]).get(receipt.pk, {})
        for line_no, pieces in (facts.get("returned_lines") or {}).items():
            returned[int(line_no)] = returned.get(int(line_no), 0) + int(pieces)
    return returned


def receipt_line_facts(*, receipt: Receipt, returned: dict[int, int] | None = None) -> list[rules.LineFacts]:
    returned = receipt_returned_lines(receipt=receipt) if returned is None else returned
    return [rules.LineFacts(ln.line_no, ln.category, ln.unit_price, ln.quantity,
                            min(ln.quantity, returned.get(ln.line_no, 0)))
            for ln in receipt.lines.all()]


def receipt_qualification(*, receipt: Receipt, campaign: GiftCampaign,
                          lines: list[rules.LineFacts] | None = None) -> rules.Qualification:
    lines = receipt_line_facts(receipt=receipt) if lines is None else lines
    return rules.receipt_qualification(rule=campaign_rule(campaign), side=receipt.side,
                                       rung_on=timezone.localdate(receipt.rung_at), lines=lines)


def receipt_campaigns(*, receipt: Receipt) -> list[dict]:
    """Every open campaign of the receipt's side, with whether the receipt qualifies, why, and whether it
    already claimed it: what the issue counter shows after a scan."""
    lines = receipt_line_facts(receipt=receipt)
    claimed = set(GiftIssue.objects.filter(receipt=receipt, kind=IssueKind.RECEIPT).values_list("campaign_id", flat=True))
    result = []
    for campaign in GiftCampaign.objects.filter(status=CampaignStatus.OPEN, side=receipt.side).select_related(
            "gift_item").order_by("ends_on", "code"):
        q = receipt_qualification(receipt=receipt, campaign=campaign, lines=lines)
        result.append({"campaign": campaign, "qualification": q, "claimed": campaign.pk in claimed})
    return result


def item_ledger(*, item: GiftItem) -> QuerySet[GiftStockEntry]:
    return GiftStockEntry.objects.filter(item=item).select_related("by").order_by("-id")


def stock_mismatched() -> list[dict]:
    """R-GIFT-2: every item whose cached on-hand differs from the sum of its ledger, or whose last entry's
    running balance differs from it."""
    sums = dict(GiftStockEntry.objects.values("item_id").annotate(s=Sum("quantity")).order_by()
                .values_list("item_id", "s"))
    mismatches = []
    for pk, code, on_hand in GiftItem.objects.values_list("pk", "code", "on_hand"):
        ledger = sums.get(pk) or 0
        if ledger != on_hand:
            mismatches.append({"item": code, "on_hand": on_hand, "ledger": ledger})
    last_balances = GiftStockEntry.objects.filter(
        id__in=GiftStockEntry.objects.values("item_id").annotate(last=Max("id")).values("last")).values_list(
        "item__code", "balance_after", "item__on_hand")
    for code, balance, on_hand in last_balances:
        if balance != on_hand:
            mismatches.append({"item": code, "on_hand": on_hand, "last_balance_after": balance})
    return mismatches


def users_with_perm(perm: str) -> QuerySet:
    """Active users holding a permission through a group or directly, superusers included. (A shared
    `users_with_perm` selector is not in servicedesk/ yet: this private query stands in for it.)"""
    app_label, codename = perm.split(".", 1)
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(is_superuser=True)
                    | Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
                    | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label))
            .distinct().order_by("pk"))


def stocktakes_unexplained() -> QuerySet[Stocktake]:
    return Stocktake.objects.filter(status=StocktakeStatus.NEEDS_EXPLANATION).select_related("item", "counted_by")


def items_low(*, policy: GiftPolicy) -> QuerySet[GiftItem]:
    """Items a campaign still gives whose stock is at or under the warning threshold."""
    return (GiftItem.objects.filter(campaigns__status=CampaignStatus.OPEN, on_hand__lte=policy.low_stock_threshold)
            .distinct().order_by("on_hand", "code"))


def campaigns_ending(*, today: dt.date, policy: GiftPolicy) -> QuerySet[GiftCampaign]:
    """Open campaigns that end within the policy's days, or have ended and wait to be closed (R-GIFT-6)."""
    return GiftCampaign.objects.filter(status=CampaignStatus.OPEN,
                                       ends_on__lte=today + dt.timedelta(days=policy.ending_soon_days)).order_by("ends_on")


def birthday_collected(*, member, year: int) -> GiftIssue | None:
    return GiftIssue.objects.filter(kind=IssueKind.BIRTHDAY, member=member, year=year).select_related("item").first()


def gifts_for_receipts(*, receipt_ids: list[int]) -> dict[int, list[dict]]:
    """R-GIFT-4: the gifts issued against each receipt (campaign issues and vouchers tied to it), as invoices
    name them in remarks; a gift the customer handed back on a refund is no longer tied to the receipt."""
    found: dict[int, list[dict]] = {}
    rows = (GiftIssue.objects.filter(receipt_id__in=receipt_ids).exclude(clawback_kind="handed_back")
            .order_by("id").values_list("receipt_id", "campaign__code", "item__name", "quantity", "unit_value"))
    for receipt_id, campaign, item, quantity, unit_value in rows:
        found.setdefault(receipt_id, []).append({"campaign": campaign, "item": item, "quantity": quantity,
                                                 "value": f"{unit_value * quantity:.2f}"})
    return found


def gifts_clawback_due(*, receipt: Receipt, returned: dict[int, int]) -> list[GiftIssue]:
    """R-GIFT-3 / R-RET-13: the campaign gifts of this receipt, not yet taken back, that the receipt no longer
    qualifies for once `returned` (earlier slips + this one, {line_no: pieces}) is refunded."""
    issues = list(GiftIssue.objects.filter(receipt=receipt, kind=IssueKind.RECEIPT, clawback_kind="")
                  .select_related("campaign", "item").order_by("pk"))
    if not issues:
        return []
    lines = receipt_line_facts(receipt=receipt, returned={})
    return [i for i in issues if rules.gift_clawed_back(rule=campaign_rule(i.campaign), lines=lines, returned=returned)]
