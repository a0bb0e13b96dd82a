"""The one period guard (R-FIN-2): nothing is written dated inside a closed month.

Every writer of a dated ledger entry calls `period_guard(at=…)` inside its transaction, before it writes:
members' `_ledger_move` (points and stored value: earn, redeem, reverse, adjust, transfers, vouchers),
the receipt ingest (a till import of a receipt rung in a closed month), gift stock and invoice writers
as they land. A moment inside a closed month → 409 `period_closed`; corrections go into the open month
with a reference to the closed one.

Cost on the hot path: none for the current month (the current or a future month can never be closed, so
a write dated now needs no query). A write dated in a past month reads that month's `Period` row with a
row lock, so a close (which locks the same row) waits for such writers and they wait for it: a back-dated
write either lands before the close counts the month or is refused after it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Conflict, RuleViolation
from .models import Period


class PeriodClosed(Conflict):
    default_code = "period_closed"


def month_start(at: dt.datetime | dt.date) -> dt.date:
    """The first day of the store-local month of `at`."""
    if isinstance(at, dt.datetime):
        at = timezone.localtime(at, timezone.get_default_timezone()).date()  # the store's month, whoever asks
    return at.replace(day=1)


def month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def month_parse(value: str, *, field: str = "month") -> dt.date:
    """'2026-11' → date(2026, 11, 1); anything else → 400 naming the field."""
    try:
        year, mon = (int(part) for part in str(value).split("-"))
        if not (2000 <= year <= 2999 and len(str(value)) == 7):
            raise ValueError(value)
        return dt.date(year, mon, 1)
    except (TypeError, ValueError) as exc:
        raise RuleViolation(_("Give the month as YYYY-MM."), code="invalid", fields={field: [str(value)]}) from exc


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Store-local [first day 00:00, next month's first day 00:00) as aware datetimes."""
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (timezone.make_aware(dt.datetime.combine(month, dt.time())),
            timezone.make_aware(dt.datetime.combine(nxt, dt.time())))


def period_locked(*, month: dt.date) -> Period:
    """The month's Period row, locked for the caller's transaction (created open if new)."""
    Period.objects.bulk_create([Period(month=month)], ignore_conflicts=True)
    return Period.objects.select_for_update().get(month=month)


def period_guard(*, at: dt.datetime) -> None:
    """Refuse (409 `period_closed`) a write dated `at` inside a closed month. Call inside the writer's
    transaction, before writing."""
    month = month_start(at)
    if month >= month_start(timezone.now()):
        return  # the current or a future month is never closed (R-FIN-2)
    if transaction.get_connection().in_atomic_block:
        closed = period_locked(month=month).closed
    else:
        closed = Period.objects.filter(month=month, closed=True).exists()
    if closed:
        raise PeriodClosed(
            _("%(month)s is closed: write the correction into the open month with a reference to it.")
            % {"month": month_key(month)}, fields={"at": [timezone.localtime(at).isoformat()]})


def month_is_closed(*, month: dt.date) -> bool:
    return Period.objects.filter(month=month, closed=True).exists()


def period_set_closed(*, month: dt.date, closed: bool, user, now: dt.datetime) -> Period:
    """Close or reopen the month's guard row; inside finance's close/reopen transaction (the row stays
    locked until it commits)."""
    period = period_locked(month=month)
    period.closed, period.changed_at, period.changed_by = closed, now, user
    period.save(update_fields=["closed", "changed_at", "changed_by"])
    return period
