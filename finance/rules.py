"""Pure finance rules (R-FIN-1, R-FIN-2): month arithmetic, summaries from movements, whether a month may be
closed. Plain values in, a result out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Movement:
    kind: str
    rows: int
    inflow: Decimal
    outflow: Decimal

    @property
    def net(self) -> Decimal:
        return self.inflow - self.outflow


@dataclass(frozen=True)
class MonthFigures:
    rows: int
    opening: Decimal
    movements: tuple[Movement, ...]
    closing: Decimal


def movements_merge(groups: Iterable) -> dict[tuple[str, str], Movement]:
    """Add up movement groups (anything with month, kind, rows, inflow, outflow) by (month, kind)."""
    merged: dict[tuple[str, str], Movement] = {}
    for g in groups:
        key = (g.month, g.kind)
        prev = merged.get(key)
        inflow, outflow, rows = Decimal(g.inflow), Decimal(g.outflow), int(g.rows)
        if prev is not None:
            inflow, outflow, rows = prev.inflow + inflow, prev.outflow + outflow, prev.rows + rows
        merged[key] = Movement(g.kind, rows, inflow, outflow)
    return merged


def month_figures(*, merged: dict[tuple[str, str], Movement], month: str) -> MonthFigures:
    """R-FIN-1: the month's rows, opening balance (every earlier month's net), movements by kind, closing."""
    opening = sum((mv.net for (m, _k), mv in merged.items() if m < month), ZERO)
    moves = tuple(sorted((mv for (m, _k), mv in merged.items() if m == month), key=lambda mv: mv.kind))
    return MonthFigures(rows=sum(mv.rows for mv in moves), opening=opening, movements=moves,
                        closing=opening + sum((mv.net for mv in moves), ZERO))


def ledger_total(merged: dict[tuple[str, str], Movement]) -> Decimal:
    """The ledger's balance: the net of every entry ever written."""
    return sum((mv.net for mv in merged.values()), ZERO)


def ledger_balanced(*, cached_balance: Decimal | None, ledger_balance: Decimal) -> bool:
    """The balances kept beside the ledger equal the ledger (a register without balances always is)."""
    return cached_balance is None or Decimal(cached_balance) == ledger_balance


def month_close_refusal(*, month: dt.date, current_month: dt.date) -> str | None:
    """R-FIN-2: only a past month is closed; the current or a future month is refused."""
    return "R-FIN-2" if month >= current_month else None


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


# The month picker lists at least this many months back and never more than ten years (technical bounds of a
# select list, not business numbers: a month outside them can still be asked for by its key).
PICKER_MIN_MONTHS = 12
PICKER_MAX_MONTHS = 120


def months_back(*, current: dt.date, earliest: dt.date | None) -> list[dt.date]:
    """The picker's months, newest first: the current month and every past month back to `earliest` (at least
    PICKER_MIN_MONTHS, at most PICKER_MAX_MONTHS); never a future month."""
    month, out = current.replace(day=1), []
    while len(out) < PICKER_MAX_MONTHS and (len(out) < PICKER_MIN_MONTHS or (earliest is not None and month >= earliest)):
        out.append(month)
        month = previous_month(month)
    return out


def month_pick_refusal(*, month: dt.date, current_month: dt.date) -> str | None:
    """The month page shows the current month and past ones; a future month has no books yet."""
    return "future" if month > current_month else None
