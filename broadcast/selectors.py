"""Reads of the broadcast booth: the policy, hours and plan in force on a day, the day sheet (R-BC-1/2/3),
the insert queue (R-BC-4), the air log against the sheet (R-BC-6)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import RuleViolation

from . import rules
from .choices import InsertStatus, ScriptStatus
from .models import (
    AirLogEntry,
    BroadcastPolicy,
    DayHours,
    InsertTemplate,
    PlanItem,
    PlanVersion,
    Promotion,
    Script,
    UrgentInsert,
    WeeklyHours,
)


def store_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def broadcast_policy_in_force(*, on: date) -> BroadcastPolicy:
    policy = BroadcastPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if policy is None:
        raise RuleViolation(_("No broadcast policy is in force on %(day)s.") % {"day": on}, code="no_policy")
    return policy


def day_hours(*, day: date) -> tuple[rules.Hours, bool]:
    """(hours, whether the day has hours of its own): the day's override, else its weekday's row, else the
    default plan's 08:00–22:00."""
    own = DayHours.objects.filter(day=day).first()
    if own is not None:
        return own.hours(), True
    weekly = WeeklyHours.objects.filter(weekday=day.weekday()).first()
    if weekly is not None:
        return rules.Hours(weekly.opening, weekly.closing), False
    return rules.Hours(time(8, 0), time(22, 0)), False


def plan_version_in_force(*, on: date) -> PlanVersion | None:
    """R-BC-1: the latest-starting plan in force that day (a campaign plan ending later lays over a season's)."""
    return (PlanVersion.objects.filter(effective_from__lte=on)
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
            .order_by("-effective_from", "-id").first())


def promotions_on(*, day: date, tz=None) -> QuerySet[Promotion]:
    """Active promotions whose span touches the store day, in creation order (R-BC-2)."""
    tz = tz or store_tz()
    start = datetime.combine(day, time(0, 0), tzinfo=tz)
    return (Promotion.objects.filter(active=True, starts_at__lt=start + timedelta(days=1), ends_at__gte=start)
            .select_related("script").order_by("created_at", "id"))


@dataclass(frozen=True)
class DayPlan:
    sheet: rules.DaySheet
    policy: BroadcastPolicy
    plan: PlanVersion | None
    own_hours: bool
    scripts: dict[int, Script]


def day_sheet(*, day: date, extra_promotions: list[rules.PromotionFacts] | None = None) -> DayPlan:
    """The day's whole sheet from the rows in force (R-BC-1, R-BC-2, R-BC-3): six queries. Only approved
    scripts are scheduled (R-BC-5): a promotion whose script is no longer approved is left off; a plan
    item whose script is not approved still airs (its music), without the script."""
    tz = store_tz()
    policy = broadcast_policy_in_force(on=day)
    hours, own = day_hours(day=day)
    plan = plan_version_in_force(on=day)
    scripts: dict[int, Script] = {}
    plan_facts = []
    reference = rules.Hours(time(8, 0), time(22, 0))
    if plan is not None:
        reference = plan.reference()
        for item in PlanItem.objects.filter(version=plan).select_related("script").order_by("at", "id"):
            script_id = item.script_id if item.script and item.script.is_approved else None
            if script_id:
                scripts[script_id] = item.script
            plan_facts.append(rules.PlanItemFacts(item.at, item.title, item.anchor, script_id, item.pk))
    promo_facts = []
    for promotion in promotions_on(day=day, tz=tz):
        if not promotion.script.is_approved:
            continue
        scripts[promotion.script_id] = promotion.script
        promo_facts.append(rules.PromotionFacts(promotion.pk, promotion.title, promotion.starts_at, promotion.ends_at,
                                                promotion.every_minutes, promotion.script_id))
    promo_facts.extend(extra_promotions or [])
    sheet = rules.day_sheet_build(day=day, hours=hours, reference=reference, plan=plan_facts, promotions=promo_facts,
                                  policy=policy.facts(), tz=tz)
    return DayPlan(sheet, policy, plan, own, scripts)


SHEET_TABLES = (BroadcastPolicy, WeeklyHours, DayHours, PlanVersion, PlanItem, Promotion, Script)
SHEET_CACHE_SECONDS = 300


def sheet_stamp() -> str:
    """What the day sheets are built from, in one query: each table's latest change and row count (a row
    added, changed or deleted changes it). Rows are written through save() (auto_now), never by bulk updates."""
    # table names from the models' own Meta, no input in this SQL
    sql = " UNION ALL ".join(f"SELECT '{m._meta.db_table}', MAX(updated_at), COUNT(*) FROM {m._meta.db_table}"  # noqa: S608
                             for m in SHEET_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return hashlib.sha1(repr(cursor.fetchall()).encode(), usedforsecurity=False).hexdigest()


def day_sheet_cached(*, day: date) -> DayPlan:
    """day_sheet() for the booth's polling (queue endpoint, booth page): one stamp query instead of six
    and no rebuild while nothing it depends on changed. Shared across workers when the cache is Redis."""
    key = f"broadcast:sheet:{day.isoformat()}:{sheet_stamp()}"
    plan = cache.get(key)
    if plan is None:
        plan = day_sheet(day=day)
        cache.set(key, plan, SHEET_CACHE_SECONDS)
    return plan


def now_minute(*, day: date, now: datetime) -> int:
    local = timezone.localtime(now, store_tz())
    if local.date() < day:
        return -1
    if local.date() > day:
        return rules.MINUTES_IN_DAY
    return local.hour * 60 + local.minute


def air_log_of(*, day: date) -> QuerySet[AirLogEntry]:
    return AirLogEntry.objects.filter(day=day).select_related("by", "insert").order_by("aired_at", "id")


def logged_facts(entries) -> list[rules.LoggedFacts]:
    tz = store_tz()
    result = []
    for e in entries:
        local = timezone.localtime(e.aired_at, tz)
        result.append(rules.LoggedFacts(e.kind, e.title, rules.minute_of(e.planned_at) if e.planned_at else None,
                                        local.hour * 60 + local.minute, e.by.username if e.by_id else ""))
    return result


def air_check_of(*, day: date, now: datetime, plan: DayPlan | None = None,
                 entries: list[AirLogEntry] | None = None) -> list[rules.AirCheck]:
    plan = plan or day_sheet(day=day)
    entries = list(air_log_of(day=day)) if entries is None else entries
    return rules.air_check(sheet=plan.sheet, logged=logged_facts(entries), now_minute=now_minute(day=day, now=now),
                           policy=plan.policy.facts())


def inserts_queued(*, now: datetime) -> QuerySet[UrgentInsert]:
    """R-BC-4: queued and not yet expired, emergency first, then by kind in the rule's order, then by time."""
    return (UrgentInsert.objects.filter(status=InsertStatus.QUEUED, expires_at__gt=now)
            .select_related("raised_by").order_by("priority", "raised_at", "id"))


def inserts_expired_unaired(*, since: datetime, now: datetime) -> QuerySet[UrgentInsert]:
    """Inserts that never aired in time (status expired, or queued past their expiry): shown in red."""
    return (UrgentInsert.objects.filter(raised_at__gte=since)
            .filter(Q(status=InsertStatus.EXPIRED) | Q(status=InsertStatus.QUEUED, expires_at__lte=now))
            .select_related("raised_by").order_by("-raised_at"))


def insert_templates() -> dict[str, Script]:
    """kind → its approved template script (R-BC-4); a template whose script is not approved is not offered."""
    return {t.kind: t.script for t in InsertTemplate.objects.select_related("script")
            if t.script.status == ScriptStatus.APPROVED}


def scripts_awaiting_review(*, user) -> QuerySet[Script]:
    """R-BC-5: what this user may review now (never their own scripts)."""
    if not user.has_perm("broadcast.approve_script"):
        return Script.objects.none()
    return Script.objects.filter(status=ScriptStatus.AWAITING_REVIEW).exclude(author=user).order_by("submitted_at")


def booth_counts(*, user, now: datetime) -> dict[str, int]:
    """The dashboard's figures in one query per table."""
    day_start = datetime.combine(timezone.localdate(now, store_tz()), time(0, 0), tzinfo=store_tz())
    inserts = UrgentInsert.objects.filter(raised_at__gte=day_start - timedelta(days=1)).aggregate(
        waiting=Count("id", filter=Q(status=InsertStatus.QUEUED, expires_at__gt=now)),
        expired=Count("id", filter=(Q(status=InsertStatus.EXPIRED) | Q(status=InsertStatus.QUEUED, expires_at__lte=now))
                      & Q(raised_at__gte=day_start)),
    )
    review = scripts_awaiting_review(user=user).count() if user.has_perm("broadcast.approve_script") else 0
    return {"waiting": inserts["waiting"] or 0, "expired": inserts["expired"] or 0, "review": review}
