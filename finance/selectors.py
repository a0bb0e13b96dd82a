"""Reads of finance: the policy in force, each ledger's monthly aggregates (settled totals plus what was
written since), the month page's summaries, closes and files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone

from servicedesk.extensions import LedgerMovement, MonthLedger, month_ledgers, month_totals
from servicedesk.periods import month_key
from servicedesk.policies import policy_in_force

from . import aggregates, rules
from .choices import ExportStatus
from .models import ExportJob, FinancePolicy, LedgerCursor, LedgerTotal, MonthClose


def policy_at(*, at: dt.datetime) -> FinancePolicy:
    return policy_in_force(FinancePolicy, at=at)


def ledgers() -> list[MonthLedger]:
    return list(month_ledgers)


def ledger_get(name: str) -> MonthLedger | None:
    return month_ledgers.get(name)


def ledger_movements(*, ledger: MonthLedger) -> dict[tuple[str, str], rules.Movement]:
    """Every month's movements of the ledger: the settled totals plus the entries written after the settled id
    (one indexed range read; never a scan of a month). On PostgreSQL the points and stored-value ledgers are
    kept current by their writers' transactions instead (aggregates.py): one read of totals + deltas."""
    if aggregates.kept_current(ledger.name):
        return rules.movements_merge(aggregates.movements(ledger.name))
    settled_id = LedgerCursor.objects.filter(ledger=ledger.name).values_list("settled_id", flat=True).first() or 0
    settled = [LedgerMovement(month=t.month, kind=t.kind, rows=t.rows, inflow=t.inflow, outflow=t.outflow)
               for t in LedgerTotal.objects.filter(ledger=ledger.name)]
    live = ledger.movements(after_id=settled_id, upto_id=ledger.last_id())
    return rules.movements_merge([*settled, *live])


@dataclass(frozen=True)
class LedgerSummary:
    name: str
    label: str
    unit: str
    rows: int
    opening: Decimal
    movements: tuple[rules.Movement, ...]
    closing: Decimal
    balanced: bool
    cached_balance: Decimal | None
    ledger_balance: Decimal
    totals: dict

    def show(self, value) -> str:
        """Money with two decimals, points and pieces as whole numbers."""
        return f"{Decimal(value):.2f}" if self.unit == "money" else f"{Decimal(value):.0f}"

    def as_json(self) -> dict:
        f = self.show
        return {"name": self.name, "unit": self.unit, "rows": self.rows, "opening": f(self.opening),
                "closing": f(self.closing), "balanced": self.balanced, "ledger_balance": f(self.ledger_balance),
                "cached_balance": None if self.cached_balance is None else f(self.cached_balance),
                "movements": [{"kind": m.kind, "rows": m.rows, "inflow": f(m.inflow), "outflow": f(m.outflow)}
                              for m in self.movements],
                "totals": {k: str(v) for k, v in self.totals.items()}}

    @classmethod
    def from_json(cls, ledger: MonthLedger | None, data: dict) -> LedgerSummary:
        return cls(
            name=data["name"], label=str(ledger.label) if ledger else data["name"], unit=data["unit"], rows=data["rows"],
            opening=Decimal(data["opening"]), closing=Decimal(data["closing"]), balanced=data["balanced"],
            ledger_balance=Decimal(data["ledger_balance"]),
            cached_balance=None if data["cached_balance"] is None else Decimal(data["cached_balance"]),
            movements=tuple(rules.Movement(m["kind"], m["rows"], Decimal(m["inflow"]), Decimal(m["outflow"]))
                            for m in data["movements"]),
            totals={k: Decimal(v) for k, v in data["totals"].items()})


def ledger_summary(*, ledger: MonthLedger, month: dt.date,
                   merged: dict[tuple[str, str], rules.Movement] | None = None) -> LedgerSummary:
    merged = ledger_movements(ledger=ledger) if merged is None else merged
    key = month_key(month)
    figures = rules.month_figures(merged=merged, month=key)
    balance = rules.ledger_total(merged)
    cached = ledger.cached_balance()
    month_moves = [LedgerMovement(month=key, kind=m.kind, rows=m.rows, inflow=m.inflow, outflow=m.outflow)
                   for m in figures.movements]
    return LedgerSummary(
        name=ledger.name, label=str(ledger.label), unit=ledger.unit, rows=figures.rows, opening=figures.opening,
        movements=figures.movements, closing=figures.closing, ledger_balance=balance, cached_balance=cached,
        balanced=rules.ledger_balanced(cached_balance=cached, ledger_balance=balance),
        totals=ledger.totals(movements=month_moves))


def month_close_active(*, month: dt.date) -> MonthClose | None:
    return MonthClose.objects.filter(month=month, reopened_at__isnull=True).select_related("closed_by").first()


def snapshot_order(summary: dict) -> list[str]:
    """The stored ledgers in registration order (as the open month shows them), not the JSON's key order
    (PostgreSQL's jsonb sorts keys by length, then bytes); a ledger no longer registered comes last."""
    order = {name: i for i, name in enumerate(month_ledgers.names())}
    return sorted(summary, key=lambda name: (order.get(name, len(order)), name))


def month_summaries(*, month: dt.date, close: MonthClose | None = None) -> list[LedgerSummary]:
    """The month page: a closed month reads its closing snapshot; an open one the running aggregates."""
    if close is not None:
        return [LedgerSummary.from_json(ledger_get(name), close.summary[name]) for name in snapshot_order(close.summary)]
    return [ledger_summary(ledger=ledger, month=month) for ledger in ledgers()]


def month_status(*, month: dt.date) -> dict:
    """GET /api/v1/finance/periods/{month}/: the stored totals once closed, live totals before."""
    close = month_close_active(month=month)
    if close is not None:
        return {"month": month_key(month), "status": "closed", "closed_at": close.closed_at,
                "totals": close.totals, "close": close}
    summaries = month_summaries(month=month)
    return {"month": month_key(month), "status": "open", "closed_at": None,
            "totals": month_totals([s.totals for s in summaries]), "close": None}


def month_choices(*, current: dt.date, shown: dt.date) -> list[dict]:
    """The month picker (R-FIN-1): the current month and the past months finance knows of (settled totals,
    closes; a year back at least), each open or closed, plus the month shown if it is older. Two small reads."""
    closed = set(MonthClose.objects.filter(reopened_at__isnull=True).values_list("month", flat=True))
    settled = LedgerTotal.objects.order_by("month").values_list("month", flat=True).first()
    known = [m for m in (*closed, dt.date(int(settled[:4]), int(settled[5:7]), 1) if settled else None) if m]
    months = rules.months_back(current=current, earliest=min(known) if known else None)
    if shown <= current and shown not in months:
        months.append(shown)
    return [{"value": month_key(m), "closed": m in closed, "current": m == current, "selected": m == shown}
            for m in months]


def month_exports(*, month: dt.date, now: dt.datetime | None = None, limit: int = 50):
    """The downloads list: this month's finished files still kept, the active close's frozen files first."""
    now = now or timezone.now()
    kept = Q(close__isnull=True) & (Q(expires_at__gt=now) | ~Q(status=ExportStatus.DONE))
    frozen = Q(close__isnull=False, close__reopened_at__isnull=True)
    return (ExportJob.objects.filter(month=month).filter(kept | frozen).select_related("created_by", "close")
            .order_by(F("close_id").desc(nulls_last=True), "-id")[:limit])
