"""Reads of the desk services (R-DESK-2…4), including the weekly and monthly report figures.

Counts of other apps are read through `django.apps.apps.get_model(...)` (complaints, gifts: desk never imports
them, see the layers in pyproject.toml); an app whose model is not there yet counts 0. Members are importable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from servicedesk.money import ZERO, money_str

from . import rules
from .choices import EnquiryChannel, EnquiryTopic, LoanStatus, LostStatus
from .models import (
    BagStorage,
    Brand,
    DepositEntry,
    DeskPolicy,
    DeskReport,
    Enquiry,
    LostProperty,
    SupplyItem,
    SupplyStocktake,
    UmbrellaLoan,
)


def store_tz():
    return timezone.get_current_timezone()


def day_start(day: dt.date) -> dt.datetime:
    """The aware start of a store-local day."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=store_tz())


def desk_policy(*, on: dt.date) -> DeskPolicy | None:
    return DeskPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def users_with_perm(perm: str):
    """The one selector that finds people by permission (servicedesk.selectors), superusers left out."""
    from servicedesk.selectors import users_with_perm as find

    return find(perm)


# ---------------------------------------------------------------- R-DESK-2
def brands_search(*, q: str = "") -> QuerySet[Brand]:
    """By any part of the brand name, its pinyin initials, the counter or the floor (R-DESK-2)."""
    qs = Brand.objects.filter(active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(brand__icontains=q) | Q(initials__contains=q.lower().replace(" ", "")) | Q(counter__icontains=q)
                       | Q(floor__iexact=q))
    return qs.order_by("floor", "counter", "brand")


def enquiry_counts(*, start: dt.date, end: dt.date) -> dict:
    """Enquiries of the store-local days start ≤ day < end: by topic, by channel and by hour (R-DESK-2)."""
    qs = Enquiry.objects.filter(at__gte=day_start(start), at__lt=day_start(end))
    by_topic = dict.fromkeys(EnquiryTopic.values, 0)
    by_channel = dict.fromkeys(EnquiryChannel.values, 0)
    for row in qs.values("topic", "channel").annotate(n=Count("id")):
        by_topic[row["topic"]] += row["n"]
        by_channel[row["channel"]] += row["n"]
    by_hour = dict.fromkeys(range(24), 0)
    for row in qs.annotate(hour=ExtractHour("at", tzinfo=store_tz())).values("hour").annotate(n=Count("id")):
        by_hour[row["hour"]] = row["n"]
    return {"total": sum(by_topic.values()), "by_topic": by_topic, "by_channel": by_channel, "by_hour": by_hour}


# ---------------------------------------------------------------- R-DESK-3 umbrellas
def loans_out() -> QuerySet[UmbrellaLoan]:
    return UmbrellaLoan.objects.filter(status=LoanStatus.OUT)


def loans_overdue(*, now: dt.datetime) -> QuerySet[UmbrellaLoan]:
    return loans_out().filter(due_at__lte=now).order_by("due_at", "id")


def loans_to_forfeit(*, now: dt.datetime) -> QuerySet[UmbrellaLoan]:
    return loans_out().filter(forfeit_at__lte=now).order_by("forfeit_at", "id")


def deposits_held(*, before: dt.datetime | None = None) -> Decimal:
    qs = DepositEntry.objects.all() if before is None else DepositEntry.objects.filter(at__lt=before)
    return qs.aggregate(s=Sum("held_change"))["s"] or ZERO


def deposit_day(*, day: dt.date) -> rules.DepositDay:
    """The deposit ledger of one store-local day (R-DESK-3): held at opening, taken, refunded, kept."""
    start, end = day_start(day), day_start(day + dt.timedelta(days=1))
    entries = list(DepositEntry.objects.filter(at__gte=start, at__lt=end).values_list("kind", "amount"))
    return rules.deposit_day(held_at_open=deposits_held(before=start), entries=entries)


# ---------------------------------------------------------------- R-DESK-3 lost property
def lost_property_held() -> QuerySet[LostProperty]:
    return LostProperty.objects.filter(status=LostStatus.HELD)


def lost_property_due_for_disposal(*, today: dt.date) -> QuerySet[LostProperty]:
    return lost_property_held().filter(dispose_after__lt=today).order_by("dispose_after", "id")


def claimant_id_number_for(*, entry: LostProperty, user, context: str) -> str:
    """R-VIP-7 applied to claimants: the full ID number for roles holding `members.view_unmasked` (each view
    logged), masked (110105********1234) for everyone else."""
    return _unmasked(entry=entry, user=user, context=context, value=entry.claimant_id_number,
                     masked=entry.masked_claimant_id)


def claimant_phone_for(*, entry: LostProperty, user, context: str) -> str:
    return _unmasked(entry=entry, user=user, context=context, value=entry.claimant_phone,
                     masked=entry.masked_claimant_phone)


def _unmasked(*, entry: LostProperty, user, context: str, value: str, masked: str) -> str:
    from .models import ClaimantUnmaskedView

    if not value or not user.has_perm("members.view_unmasked"):
        return masked
    ClaimantUnmaskedView.objects.create(user=user, entry=entry, context=context[:100])
    return value


def bags_stored() -> QuerySet[BagStorage]:
    return BagStorage.objects.filter(status="stored")


def supplies_low() -> QuerySet[SupplyItem]:
    from django.db.models import F

    return SupplyItem.objects.filter(active=True, on_hand__lte=F("low_at"))


# ---------------------------------------------------------------- R-DESK-4 reports
def _complaints(*, start: dt.datetime, end: dt.datetime) -> tuple[int, dict[str, int]]:
    try:
        model = apps.get_model("complaints", "Complaint")
    except LookupError:
        return 0, {}
    by_type = {row["type"]: row["n"] for row in model.objects.filter(received_at__gte=start, received_at__lt=end)
               .values("type").annotate(n=Count("id")).order_by("type")}
    return sum(by_type.values()), by_type


def _gifts_issued(*, start: dt.datetime, end: dt.datetime) -> int:
    """Gifts handed to customers in the period: the gift ledger's `issue` and `birthday` entries (R-GIFT,
    api-contract ledger kinds), read as gifts.GiftStockEntry; 0 until the gifts app has that ledger."""
    try:
        model = apps.get_model("gifts", "GiftStockEntry")
    except LookupError:
        return 0
    try:
        total = model.objects.filter(at__gte=start, at__lt=end, kind__in=["issue", "birthday"]).aggregate(s=Sum("quantity"))["s"]
    except FieldError:
        return 0
    return abs(total or 0)


def _cards(*, start: dt.datetime, end: dt.datetime):
    from members.models import Card

    return Card.objects.filter(issued_at__gte=start, issued_at__lt=end)


def weekly_report(*, week: str) -> dict:
    """R-DESK-4 weekly: new members by tier (cards issued that replace no other card), every card issued
    (R-CARD-3), complaints and customer opinions (all tickets received, by type), enquiries."""
    first, nxt = rules.week_bounds(week)
    start, end = day_start(first), day_start(nxt)
    cards = _cards(start=start, end=end)
    new = {"gold": 0, "platinum": 0}
    for row in cards.filter(replaces__isnull=True).values("tier").annotate(n=Count("id")):
        new[row["tier"]] = new.get(row["tier"], 0) + row["n"]
    complaints, by_type = _complaints(start=start, end=end)
    enquiries = enquiry_counts(start=first, end=nxt)
    return {
        "week": week, "starts_on": first.isoformat(), "ends_on": (nxt - dt.timedelta(days=1)).isoformat(),
        "new_members": new, "cards_issued": cards.count(), "complaints": complaints, "complaints_by_type": by_type,
        "enquiries": enquiries["total"], "enquiries_by_topic": enquiries["by_topic"],
        "enquiries_by_channel": enquiries["by_channel"],
    }


def monthly_report(*, month: str) -> dict:
    """R-DESK-4 monthly: points-rebate vouchers issued with their value, gifts issued, the supplies stocktake,
    enquiry calls (phone enquiries), cards issued (R-CARD-3)."""
    from members.models import Voucher

    first, nxt = rules.month_bounds(month)
    start, end = day_start(first), day_start(nxt)
    vouchers = Voucher.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(n=Count("id"), v=Sum("value"))
    enquiries = enquiry_counts(start=first, end=nxt)
    stocktake = [
        {"item": st.item.code, "name": st.item.name, "expected": st.expected, "counted": st.counted, "variance": st.variance}
        for st in SupplyStocktake.objects.filter(month=first).select_related("item").order_by("item__kind", "item__code")
    ]
    return {
        "month": month,
        "vouchers_issued": {"count": vouchers["n"] or 0, "value": money_str(vouchers["v"] or ZERO)},
        "gifts_issued": _gifts_issued(start=start, end=end),
        "enquiry_calls": enquiries["by_channel"][EnquiryChannel.PHONE],
        "enquiries": enquiries["total"], "enquiries_by_topic": enquiries["by_topic"],
        "cards_issued": _cards(start=start, end=end).count(),
        "supplies_stocktake": stocktake,
        "supplies_counted": len(stocktake),
        "supplies_active": SupplyItem.objects.filter(active=True).count(),
    }


def report_figures(*, kind: str, period: str) -> dict:
    return weekly_report(week=period) if kind == "weekly" else monthly_report(month=period)


def reports_ready() -> QuerySet[DeskReport]:
    return DeskReport.objects.order_by("-prepared_at")
