"""Pure rules of the desk services (R-DESK-2…4): plain values in, a result out (no ORM, no clock)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from .choices import DeliveryStatus, LostKind


class BadPeriod(ValueError):
    """A week or month that is not written 2026-W48 / 2026-11."""


# ---------------------------------------------------------------- R-DESK-2 directory
def brand_initials(name: str) -> str:
    """The pinyin initials of a brand name for the directory search: 雅诗兰黛 → "ysld", "Nike 耐克" → "nikenk".
    Latin letters and digits are kept as they are (lower case), everything else is dropped."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))).lower().replace(" ", "")[:100]


# ---------------------------------------------------------------- R-DESK-3 umbrellas
@dataclass(frozen=True)
class LoanClock:
    due_at: dt.datetime
    forfeit_at: dt.datetime


def loan_clock(*, lent_at: dt.datetime, loan_days: int, forfeit_days: int) -> LoanClock:
    """An umbrella is due back `loan_days` after it was lent; `forfeit_days` after, its deposit is kept."""
    return LoanClock(due_at=lent_at + dt.timedelta(days=loan_days), forfeit_at=lent_at + dt.timedelta(days=forfeit_days))


def loan_is_overdue(*, due_at: dt.datetime, now: dt.datetime) -> bool:
    return now >= due_at


def loan_may_be_forfeited(*, forfeit_at: dt.datetime, now: dt.datetime) -> bool:
    return now >= forfeit_at


@dataclass(frozen=True)
class DepositDay:
    """One day of the deposit ledger (R-DESK-3): what came in and went out of the drawer, what was kept."""

    held_at_open: Decimal
    taken: Decimal
    refunded: Decimal
    forfeited: Decimal

    @property
    def cash_change(self) -> Decimal:
        """What the day's deposits did to the desk cash: taken minus refunded (a kept deposit stays in the
        drawer, booked as the store's)."""
        return self.taken - self.refunded

    @property
    def held_at_close(self) -> Decimal:
        return self.held_at_open + self.taken - self.refunded - self.forfeited


def deposit_day(*, held_at_open: Decimal, entries: list[tuple[str, Decimal]]) -> DepositDay:
    """Add up one day's (kind, amount) deposit entries."""
    sums = {"taken": Decimal("0.00"), "refunded": Decimal("0.00"), "forfeited": Decimal("0.00")}
    for kind, amount in entries:
        sums[kind] += amount
    return DepositDay(held_at_open=held_at_open, **sums)


# ---------------------------------------------------------------- R-DESK-3 deliveries
DELIVERY_NEXT = {
    DeliveryStatus.REQUESTED: {DeliveryStatus.SCHEDULED, DeliveryStatus.OUT_FOR_DELIVERY, DeliveryStatus.CANCELLED},
    DeliveryStatus.SCHEDULED: {DeliveryStatus.OUT_FOR_DELIVERY, DeliveryStatus.CANCELLED, DeliveryStatus.SCHEDULED},
    DeliveryStatus.OUT_FOR_DELIVERY: {DeliveryStatus.DELIVERED, DeliveryStatus.SCHEDULED},
    DeliveryStatus.DELIVERED: set(),
    DeliveryStatus.CANCELLED: set(),
}


def delivery_may_move(*, status: str, to: str) -> bool:
    """requested → scheduled → out for delivery → delivered; a failed drop goes back to scheduled; cancel
    before it leaves. Delivered and cancelled are final."""
    return to in DELIVERY_NEXT.get(status, set())


# ---------------------------------------------------------------- R-DESK-3 lost property
def lost_property_number(*, day: dt.date, n: int) -> str:
    return f"SW-{day:%Y%m%d}-{n:04d}"


def lost_property_key(*, day: dt.date) -> str:
    """The numbering service's sequence of a store-local day."""
    return f"SW-{day:%Y%m%d}"


PA_KIND = {
    LostKind.LOST_CHILD: "lost_child",
    LostKind.LOST_PERSON: "lost_person",
    LostKind.FOUND_ITEM: "lost_property",
}


def pa_kind_for(kind: str) -> str:
    """The R-BC-4 insert kind a register entry raises."""
    return PA_KIND[kind]


def announced_by_default(kind: str) -> bool:
    """Every register entry is announced at once (R-DESK-3, R-BC-4) unless the clerk says not to (a found
    item too small to announce)."""
    return kind in PA_KIND


def dispose_after(*, registered_on: dt.date, holding_days: int) -> dt.date:
    return registered_on + dt.timedelta(days=holding_days)


def may_dispose(*, dispose_after: dt.date, today: dt.date) -> bool:
    return today > dispose_after


# ---------------------------------------------------------------- R-DESK-4 periods
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def week_bounds(week: str) -> tuple[dt.date, dt.date]:
    """ISO week "2026-W48" → (its Monday, the next Monday)."""
    m = _WEEK.match(week or "")
    if not m:
        raise BadPeriod(week)
    try:
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError as exc:
        raise BadPeriod(week) from exc
    return monday, monday + dt.timedelta(days=7)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """"2026-11" → (1 November, 1 December)."""
    m = _MONTH.match(month or "")
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise BadPeriod(month)
    first = dt.date(int(m.group(1)), int(m.group(2)), 1)
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def previous_week(day: dt.date) -> str:
    return week_of(day - dt.timedelta(days=7))


def previous_month(day: dt.date) -> str:
    return month_of(day.replace(day=1) - dt.timedelta(days=1))
