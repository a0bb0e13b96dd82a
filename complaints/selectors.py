"""Reads of the complaints desk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.policies import policy_in_force
from servicedesk.selectors import users_with_perm

from . import rules
from .choices import ComplaintStatus, ComplaintType, Satisfaction
from .models import Complaint, ComplaintPolicy, Department, ForbiddenPhrase, ReplyPhrase


def clock_policy_row(*, on: dt.date) -> ComplaintPolicy:
    return policy_in_force(ComplaintPolicy, at=on)  # the one lookup and fallback (servicedesk/policies.py)


def clock_policy(*, on: dt.date) -> rules.ClockPolicy:
    """The R-CMP-2 clock policy in force on a store-local day."""
    row = clock_policy_row(on=on)
    return rules.ClockPolicy(routing_hours=row.routing_hours, escalation_hours=row.escalation_hours)


def sees_all_complaints(user) -> bool:
    return user.has_perm("complaints.view_all_complaints")


def departments_of(user) -> QuerySet[Department]:
    return Department.objects.filter(staff=user)


def complaints_visible_to(*, user, queryset: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    """Desk staff and managers see every ticket; a department user only its own departments' tickets."""
    qs = Complaint.objects.all() if queryset is None else queryset
    if sees_all_complaints(user):
        return qs
    if not user.has_perm("complaints.view_complaint"):
        return qs.none()
    return qs.filter(department__staff=user)


UNMASKED_PERMISSION = "complaints.view_unmasked"


def sees_full_phone(user) -> bool:
    """R-VIP-7 in spirit: complainants' phones are masked except for complaints.view_unmasked holders."""
    return user.has_perm(UNMASKED_PERMISSION)


def complaint_phone_for(*, complaint: Complaint, user, context: str) -> str:
    """The complainant's phone as this user may see it: full (and the view logged) or 138****5678."""
    return complaint_phones_for(complaints=[complaint], user=user, context=context).get(complaint.pk, "")


def complaint_phones_for(*, complaints, user, context: str) -> dict[int, str]:
    """{pk: phone as the user may see it} for a page of tickets; the full numbers shown are logged in one
    INSERT (one ComplaintUnmaskedView a ticket)."""
    from .models import ComplaintUnmaskedView

    complaints = list(complaints)
    if not sees_full_phone(user):
        return {c.pk: c.masked_phone for c in complaints}
    ComplaintUnmaskedView.objects.bulk_create(
        [ComplaintUnmaskedView(user=user, complaint=c, context=context[:100]) for c in complaints])
    return {c.pk: c.phone for c in complaints}


def complaints_overdue(*, now: dt.datetime, policy: rules.ClockPolicy) -> QuerySet[Complaint]:
    """R-CMP-2: tickets whose running clock has passed and whose escalation level is below what is due
    (one set-based query; the indexes (status, route_by) and (status, feedback_by) serve it)."""
    step = dt.timedelta(hours=policy.escalation_hours)
    cond = Q()
    for status, field in ((ComplaintStatus.AWAITING_ROUTING, "route_by"), (ComplaintStatus.AWAITING_FEEDBACK, "feedback_by")):
        cond |= Q(status=status, escalation_level=0, **{f"{field}__lte": now})
        cond |= Q(status=status, escalation_level__lt=2, **{f"{field}__lte": now - step})
    return Complaint.objects.filter(cond)


def ticket_steps_for(*, complaint: Complaint, user) -> list[str]:
    """The R-CMP-3 steps this user may take on the ticket now, in the page's order (the services check
    again when the step is taken)."""
    allowed = set(rules.allowed_actions(complaint.status))
    is_dept_staff = complaint.department_id is not None and complaint.department.staff.filter(pk=user.pk).exists()
    perm = user.has_perm
    offered = {
        "route": bool({"route_valid", "route_invalid"} & allowed) and perm("complaints.route_complaint"),
        "feedback": "feedback" in allowed and perm("complaints.answer_feedback")
        and (is_dept_staff or sees_all_complaints(user)),
        "approve": "approve" in allowed and perm("complaints.approve_handling"),
        "notify": "notify_customer" in allowed and perm("complaints.record_followup"),
        "carry_out": "carry_out" in allowed and (perm("complaints.record_followup") or is_dept_staff),
        "followup": "followup_close" in allowed and perm("complaints.record_followup"),
        "reopen": "reopen" in allowed and perm("complaints.route_complaint"),
        "record": complaint.status != ComplaintStatus.CLOSED and perm("complaints.change_complaint"),
        "supplier": perm("complaints.add_suppliercontact"),
    }
    return [step for step, ok in offered.items() if ok]


def complaints_awaiting_feedback_for(*, user) -> QuerySet[Complaint]:
    return Complaint.objects.filter(status=ComplaintStatus.AWAITING_FEEDBACK, department__staff=user)


def escalation_recipients(*, level: int) -> QuerySet:
    """R-CMP-2: level 1 → the desk supervisors, level 2 → the operations managers (by permission)."""
    return users_with_perm(rules.ESCALATION_PERMISSION[level])


def approvers_for(*, level: str) -> QuerySet:
    """R-CMP-3/4: who signs the handling at an approval level ("desk_supervisor" or "ops_manager")."""
    return users_with_perm(rules.APPROVER_PERMISSION[level])


def supervisors_to_alert() -> QuerySet:
    """R-CMP-4: serious, consumer-association and product-safety cases reach the desk supervisors at once."""
    return users_with_perm(rules.SUPERVISOR_ALERT_PERMISSION)


def forbidden_phrases() -> list[tuple[str, str, str]]:
    return list(ForbiddenPhrase.objects.filter(active=True).values_list("text", "kind", "instead"))


def reply_phrases(*, q: str = "", scene: str = "") -> QuerySet[ReplyPhrase]:
    qs = ReplyPhrase.objects.filter(active=True)
    if scene:
        qs = qs.filter(scene=scene)
    if q:
        qs = qs.filter(text__icontains=q)
    return qs.order_by("scene", "sort", "id")


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    percent: int  # of the largest bar, for CSS bars


@dataclass(frozen=True)
class MonthlyReview:
    """R-CMP-7 monthly statistics. Durations are hours, rounded to 2 decimals (None: no ticket got there)."""

    start: dt.date
    end: dt.date  # exclusive
    total: int
    by_type: list[Bar]
    by_department: list[Bar]
    by_satisfaction: list[Bar]
    median_hours_to_route: float | None
    median_hours_to_close: float | None
    closed: int
    escalated: int
    consumer_association: int
    mean_hours_to_route: float | None = None
    mean_hours_to_close: float | None = None
    satisfied_percent: float | None = None  # of the follow-up calls with an answer


def _bars(rows: list[tuple[str, str, int]]) -> list[Bar]:
    top = max((n for _k, _l, n in rows), default=0) or 1
    return [Bar(k, str(label), n, round(100 * n / top)) for k, label, n in rows]


def _local_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.min, tzinfo=tz))


def _duration(field: str) -> ExpressionWrapper:
    """Time from intake to `field` (routed_at or closed_at), computed by the database."""
    return ExpressionWrapper(F(field) - F("received_at"), output_field=DurationField())


def _hours(value) -> float | None:
    """A duration as hours with 2 decimals: 52 seconds are 0.01 h, never 1.4e-05 (issue 15)."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1_000_000
    return round(seconds / 3600, 2)


def _median_hours(qs: QuerySet[Complaint], field: str, count: int) -> float | None:
    """The median of intake → `field` over `count` tickets: the database sorts, at most two values are read
    (one query whatever the month's size; SQLite has no percentile aggregate, so this works on both)."""
    if not count:
        return None
    middle = list(qs.filter(**{f"{field}__isnull": False}).annotate(d=_duration(field)).order_by("d")
                  .values_list("d", flat=True)[(count - 1) // 2: count // 2 + 1])
    hours = [_hours(d) for d in middle]
    return round(sum(hours) / len(hours), 2) if hours else None


def _satisfied_percent(counts: dict[str, int]) -> float | None:
    answered = sum(counts.get(k, 0) for k in Satisfaction.values)
    return round(100 * counts.get(Satisfaction.SATISFIED, 0) / answered, 1) if answered else None


def complaints_monthly_review(*, year: int, month: int) -> MonthlyReview:
    """Counts by type, department and satisfaction, median and mean hours to route and to close, of the
    tickets received in a store-local month (R-CMP-7). Aggregates in the database: six queries whatever
    the month's size."""
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    since, until = _local_range(start, end)
    qs = Complaint.objects.filter(received_at__gte=since, received_at__lt=until)
    type_labels = dict(ComplaintType.choices)
    by_type = dict(qs.values_list("type").annotate(n=Count("id")).order_by())
    by_dept = list(qs.values_list("department__code", "department__name").annotate(n=Count("id"))
                   .order_by("-n", "department__name"))
    totals = qs.aggregate(
        total=Count("id"), closed=Count("id", filter=Q(status=ComplaintStatus.CLOSED)),
        escalated=Count("id", filter=Q(escalation_level__gt=0)), ca=Count("id", filter=Q(consumer_association=True)),
        routed=Count("routed_at"), closed_n=Count("closed_at"),
        mean_route=Avg(_duration("routed_at")), mean_close=Avg(_duration("closed_at")),
        **{f"sat_{k}": Count("id", filter=Q(satisfaction=k)) for k in Satisfaction.values})
    by_sat = {k: totals[f"sat_{k}"] for k in Satisfaction.values}
    return MonthlyReview(
        start=start, end=end, total=totals["total"],
        by_type=_bars([(k, type_labels[k], by_type.get(k, 0)) for k in ComplaintType.values]),
        by_department=_bars([(code or "-", name or _("Not routed"), n) for code, name, n in by_dept]),
        by_satisfaction=_bars([(k, label, by_sat[k]) for k, label in Satisfaction.choices]),
        median_hours_to_route=_median_hours(qs, "routed_at", totals["routed"]),
        median_hours_to_close=_median_hours(qs, "closed_at", totals["closed_n"]),
        closed=totals["closed"], escalated=totals["escalated"], consumer_association=totals["ca"],
        mean_hours_to_route=_hours(totals["mean_route"]), mean_hours_to_close=_hours(totals["mean_close"]),
        satisfied_percent=_satisfied_percent(by_sat),
    )


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: list  # one value a period, in the trend's order


@dataclass(frozen=True)
class Trend:
    """R-CMP-7 over time: one column a store-local month or Monday–Sunday week, oldest first, by the day a
    ticket was received (its routing and closing count in the period it arrived in)."""

    unit: str  # "month" or "week"
    periods: list[dt.date]  # each period's first day
    received: list[int]
    by_type: list[Series]
    by_department: list[Series]
    by_satisfaction: list[Series]
    mean_hours_to_route: list[float | None]
    mean_hours_to_close: list[float | None]
    satisfied_percent: list[float | None]

    @property
    def labels(self) -> list[str]:
        return [f"{p:%Y-%m}" if self.unit == "month" else f"{p:%m-%d}" for p in self.periods]


TREND_DEPARTMENTS = 8  # the busiest departments get a line each; the rest are summed as "other departments"


def _period_starts(*, unit: str, last: dt.date, count: int) -> list[dt.date]:
    if unit == "week":
        monday = last - dt.timedelta(days=last.weekday())
        return [monday - dt.timedelta(weeks=count - 1 - i) for i in range(count)]
    index = last.year * 12 + last.month - 1
    return [dt.date((index - i) // 12, (index - i) % 12 + 1, 1) for i in range(count - 1, -1, -1)]


def complaints_trend(*, unit: str, last: dt.date, count: int = 12) -> Trend:
    """The `count` months (unit="month") or weeks (unit="week") ending with the one containing `last`:
    received by type and by department, mean hours to route and to close, satisfaction. Three grouped
    queries whatever the data size."""
    if unit not in ("month", "week"):
        raise ValueError(unit)
    starts = _period_starts(unit=unit, last=last, count=count)
    end = (dt.date(starts[-1].year + (starts[-1].month == 12), starts[-1].month % 12 + 1, 1) if unit == "month"
           else starts[-1] + dt.timedelta(weeks=1))
    since, until = _local_range(starts[0], end)
    trunc = (TruncMonth if unit == "month" else TruncWeek)("received_at", tzinfo=timezone.get_current_timezone())
    qs = Complaint.objects.filter(received_at__gte=since, received_at__lt=until).annotate(p=trunc)
    position = {d: i for i, d in enumerate(starts)}

    def column(p) -> int:
        return position[timezone.localtime(p).date() if isinstance(p, dt.datetime) else p]

    def empty() -> list:
        return [0] * count

    types = {k: empty() for k in ComplaintType.values}
    for p, kind, n in qs.values_list("p", "type").annotate(n=Count("id")).order_by():
        types[kind][column(p)] += n
    depts: dict[tuple[str, str], list[int]] = {}
    for p, code, name, n in (qs.values_list("p", "department__code", "department__name")
                             .annotate(n=Count("id")).order_by()):
        depts.setdefault((code or "-", name or str(_("Not routed"))), empty())[column(p)] += n
    ranked = sorted(depts.items(), key=lambda kv: (-sum(kv[1]), kv[0][1]))
    by_department = [Series(code, name, values) for (code, name), values in ranked[:TREND_DEPARTMENTS]]
    if len(ranked) > TREND_DEPARTMENTS:
        rest = [sum(col) for col in zip(*(values for _k, values in ranked[TREND_DEPARTMENTS:]), strict=True)]
        by_department.append(Series("*", str(_("Other departments")), rest))
    received, route, close = empty(), [None] * count, [None] * count
    sats = {k: empty() for k in Satisfaction.values}
    for row in qs.values("p").annotate(
            n=Count("id"), route=Avg(_duration("routed_at")), close=Avg(_duration("closed_at")),
            **{f"sat_{k}": Count("id", filter=Q(satisfaction=k)) for k in Satisfaction.values}).order_by():
        i = column(row["p"])
        received[i], route[i], close[i] = row["n"], _hours(row["route"]), _hours(row["close"])
        for k in Satisfaction.values:
            sats[k][i] = row[f"sat_{k}"]
    type_labels, sat_labels = dict(ComplaintType.choices), dict(Satisfaction.choices)
    return Trend(
        unit=unit, periods=starts, received=received,
        by_type=[Series(k, str(type_labels[k]), v) for k, v in types.items()],
        by_department=by_department,
        by_satisfaction=[Series(k, str(sat_labels[k]), v) for k, v in sats.items()],
        mean_hours_to_route=route, mean_hours_to_close=close,
        satisfied_percent=[_satisfied_percent({k: sats[k][i] for k in sats}) for i in range(count)],
    )


def complaints_week(*, day: dt.date) -> tuple[dt.date, dt.date, QuerySet[Complaint]]:
    """R-CMP-7 weekly: the Monday–Sunday week containing `day`: typical cases first, then the serious ones,
    those escalated or with a dissatisfied customer, and the written customer opinions (顾客意见单), for the
    supervisors' meeting (bounded to 50)."""
    start = day - dt.timedelta(days=day.weekday())
    end = start + dt.timedelta(days=7)
    since, until = _local_range(start, end)
    qs = (Complaint.objects.filter(received_at__gte=since, received_at__lt=until)
          .filter(Q(typical_case=True) | Q(serious=True) | Q(consumer_association=True) | Q(product_safety=True)
                  | Q(escalation_level__gt=0) | Q(satisfaction="dissatisfied") | Q(channel="form"))
          .select_related("department").order_by("-typical_case", "-received_at")[:50])
    return start, end, qs


def complaints_week_counts(*, start: dt.date, end: dt.date) -> dict:
    since, until = _local_range(start, end)
    qs = Complaint.objects.filter(received_at__gte=since, received_at__lt=until)
    return qs.aggregate(total=Count("id"), closed=Count("id", filter=Q(status=ComplaintStatus.CLOSED)),
                        open=Count("id", filter=~Q(status=ComplaintStatus.CLOSED)),
                        opinions=Count("id", filter=Q(channel="form")))
