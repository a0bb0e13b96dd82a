"""Member statistics by store-local month (issue 15, item 6): cards enrolled by tier (replacement cards
counted apart, R-CARD-1/2) and points issued by wallet (R-PTS-5: dept and market never combine) for the
supervisors and finance. Grouped aggregate queries: two, whatever the size of the card and ledger tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import EntryKind, Tier, Wallet
from .models import Card, PointsEntry

POINT_WALLETS = (Wallet.DEPT, Wallet.MARKET)
# "Points issued" are the points earned on purchases (ledger kind `earn`, R-PTS-1…3); reversals on
# returns are shown beside them, so the net is visible (README decision).
ISSUED_KINDS = (EntryKind.EARN,)


@dataclass(frozen=True)
class MonthSeries:
    key: str
    label: str
    values: list[int]


@dataclass(frozen=True)
class MemberStats:
    months: list[dt.date]  # each month's first day, oldest first
    enrolled: list[MonthSeries]  # one per tier: new members' cards
    replacements: list[int]  # replacement cards issued (not enrolments)
    issued: list[MonthSeries]  # points earned, one per points wallet
    reversed: list[MonthSeries]  # points taken back on returns (negative), one per points wallet

    @property
    def labels(self) -> list[str]:
        return [f"{m:%Y-%m}" for m in self.months]

    @property
    def enrolled_total(self) -> list[int]:
        return [sum(col) for col in zip(*(s.values for s in self.enrolled), strict=True)]


def month_starts(*, last: dt.date, count: int) -> list[dt.date]:
    index = last.year * 12 + last.month - 1
    return [dt.date((index - i) // 12, (index - i) % 12 + 1, 1) for i in range(count - 1, -1, -1)]


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def member_stats_by_month(*, last: dt.date, count: int = 12) -> MemberStats:
    """The `count` store-local months ending with the month of `last`."""
    months = month_starts(last=last, count=count)
    end = dt.date(months[-1].year + (months[-1].month == 12), months[-1].month % 12 + 1, 1)
    since, until = _aware(months[0]), _aware(end)
    tz = timezone.get_current_timezone()
    column = {m: i for i, m in enumerate(months)}

    def col(p) -> int:
        return column[timezone.localtime(p, tz).date() if isinstance(p, dt.datetime) else p]

    tiers = {k: [0] * count for k in Tier.values}
    replacements = [0] * count
    cards = (Card.objects.filter(issued_at__gte=since, issued_at__lt=until)
             .annotate(p=TruncMonth("issued_at", tzinfo=tz)).values("p")
             .annotate(replaced=Count("id", filter=Q(replaces__isnull=False)),
                       **{f"t_{k}": Count("id", filter=Q(replaces__isnull=True, tier=k)) for k in Tier.values})
             .order_by())
    for row in cards:
        i = col(row["p"])
        replacements[i] = row["replaced"]
        for k in Tier.values:
            tiers[k][i] = row[f"t_{k}"]
    issued = {w: [0] * count for w in POINT_WALLETS}
    taken_back = {w: [0] * count for w in POINT_WALLETS}
    entries = (PointsEntry.objects.filter(at__gte=since, at__lt=until, wallet__in=POINT_WALLETS,
                                          kind__in=(*ISSUED_KINDS, EntryKind.REVERSE))
               .annotate(p=TruncMonth("at", tzinfo=tz)).values("p", "wallet")
               .annotate(issued=Sum("points", filter=Q(kind__in=ISSUED_KINDS)),
                         reversed=Sum("points", filter=Q(kind=EntryKind.REVERSE)))
               .order_by())
    for row in entries:
        i = col(row["p"])
        issued[row["wallet"]][i] = row["issued"] or 0
        taken_back[row["wallet"]][i] = row["reversed"] or 0
    tier_labels, wallet_labels = dict(Tier.choices), dict(Wallet.choices)
    return MemberStats(
        months=months,
        enrolled=[MonthSeries(k, str(tier_labels[k]), v) for k, v in tiers.items()],
        replacements=replacements,
        issued=[MonthSeries(w, str(wallet_labels[w]), v) for w, v in issued.items()],
        reversed=[MonthSeries(w, str(wallet_labels[w]), v) for w, v in taken_back.items()],
    )


def _table(labels: list[str], columns: list[tuple[str, list[int]]]) -> dict:
    """One row a month, one column a series (the accessible table under a chart)."""
    return {"head": ["", *(name for name, _v in columns)],
            "rows": [[label, *(values[i] for _n, values in columns)] for i, label in enumerate(labels)]}


def member_stats_charts(stats: MemberStats) -> list[dict]:
    """The page's two charts, as JSON for members/static/members/stats.js plus the table under each."""
    labels = stats.labels
    enrolled = {"id": "members-enrolled", "kind": "bar", "stacked": True, "title": _("Members enrolled by month"),
                "labels": labels, "datasets": [{"label": s.label, "data": s.values} for s in stats.enrolled],
                "table": _table(labels, [(s.label, s.values) for s in stats.enrolled]
                                + [(_("Total enrolled"), stats.enrolled_total), (_("Replacement cards"), stats.replacements)])}
    points = {"id": "members-points", "kind": "bar", "stacked": False, "title": _("Points issued by month"),
              "labels": labels, "datasets": [{"label": s.label, "data": s.values} for s in stats.issued],
              "table": _table(labels, [(s.label, s.values) for s in stats.issued]
                              + [(_("%(wallet)s reversed on returns") % {"wallet": s.label}, s.values) for s in stats.reversed])}
    return [enrolled, points]
