"""Pure invoice policy (domain-rules.md §5): plain values in, a result out. No ORM, no clock.

- R-INV-1 book ranges: digit strings of one width, never overlapping another book's range;
- R-INV-2 the face-value limit; R-INV-3 what is left to invoice of the receipts, net of refunds;
- R-INV-4 the time limit (days after purchase, and not across the calendar month end);
- R-INV-3 / R-GIFT-4 the remarks naming gifts and vouchers;
- R-INV-7 the public-notice deadline; R-INV-8 which month's report is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")
MAX_WIDTH = 20


class NumberFormatError(ValueError):
    """`first_number` is not a digit string (R-INV-1)."""


def book_range(*, first_number: str, count: int) -> tuple[int, int, int]:
    """(first, last, width) of a book whose numbers are digit strings of the width of `first_number`."""
    text = (first_number or "").strip()
    if not text.isdigit() or not text.isascii() or len(text) > MAX_WIDTH:
        raise NumberFormatError(first_number)
    if count < 1:
        raise NumberFormatError(count)
    first, width = int(text), len(text)
    last = first + count - 1
    if len(str(last)) > width:
        raise NumberFormatError(first_number)  # the range would run past the width of its numbers
    return first, last, width


def number_text(value: int, width: int) -> str:
    return f"{value:0{width}d}"


def ranges_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True)
class TimeLimit:
    days: int  # R-INV-4: days after the purchase day (day 0) on which an invoice may still be issued
    within_month: bool  # R-INV-4: not across the calendar month end (store time)


def time_limit_refusal(*, rung_on: dt.date, today: dt.date, limit: TimeLimit) -> str | None:
    """None when an invoice may be issued today for a receipt rung (store date) on `rung_on`; else why not:
    "days" (more than `limit.days` days ago) or "month" (rung in an earlier calendar month than today)."""
    if (today - rung_on).days > limit.days:
        return "days"
    if limit.within_month and (rung_on.year, rung_on.month) < (today.year, today.month):
        return "month"
    return None


def left_to_invoice(*, total: Decimal, refunded: Decimal, invoiced: Decimal) -> Decimal:
    """R-INV-3: what may still be invoiced of a receipt: its total, net of refunds, less what its
    non-void invoices already cover (never below zero)."""
    return max(ZERO, Decimal(total) - Decimal(refunded) - Decimal(invoiced))


def allocate(*, amount: Decimal, lefts: Sequence[Decimal]) -> list[Decimal]:
    """Spread an invoice's amount over its receipts in the order scanned: each receipt is filled up to
    what is left of it before the next one takes any. `amount` must not exceed sum(lefts)."""
    remaining = Decimal(amount)
    parts = []
    for left in lefts:
        part = min(left, remaining)
        parts.append(part)
        remaining -= part
    if remaining > 0:
        raise ValueError("amount exceeds what is left to invoice")
    return parts


@dataclass(frozen=True)
class AmountDecision:
    amount: Decimal
    code: str | None = None  # R-INV-2 / R-INV-3 when refused
    reason: str = ""  # "nothing_left" (409), "more_than_left", "face_limit"


def invoice_amount_decide(*, requested: Decimal | None, left: Decimal, face_limit: Decimal) -> AmountDecision:
    """R-INV-3 then R-INV-2: the amount of the invoice. Null asks for all that is left."""
    if left <= 0:
        return AmountDecision(ZERO, "R-INV-3", "nothing_left")
    amount = left if requested is None else Decimal(requested)
    if amount <= 0:
        return AmountDecision(amount, "R-INV-3", "not_positive")
    if amount > left:
        return AmountDecision(amount, "R-INV-3", "more_than_left")
    if amount > face_limit:
        return AmountDecision(amount, "R-INV-2", "face_limit")
    return AmountDecision(amount)


def remarks_text(*, gifts: Iterable[Mapping], vouchers: Iterable[Mapping]) -> str:
    """R-INV-3 / R-GIFT-4: the remarks line written on the paper invoice, in both languages (the stub and
    the customer's copy are read by Chinese- and English-speaking staff alike)."""
    parts = []
    for g in gifts:
        parts.append(f"赠品 Gift: {g.get('item', '')} ×{g.get('quantity', 1)}"
                     f"（{g.get('campaign', '')}，价值 value {g.get('value', '')}）")
    for v in vouchers:
        parts.append(f"券 Voucher: {v.get('serial', '')}（价值 value {v.get('value', '')}）")
    return "；".join(parts)


def notice_due(*, reported_on: dt.date, days: int) -> dt.date:
    """R-INV-7: the public void notice is due `days` after the report's store date."""
    return reported_on + dt.timedelta(days=days)


def runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted numbers: [1, 2, 3, 7] → [(1, 3), (7, 7)] (the report lists runs)."""
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def month_before(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


def report_month_due(*, today: dt.date, report_day: int) -> str | None:
    """R-INV-8: the month whose report is due to finance today (the previous month, from the set day on)."""
    return month_before(today) if today.day >= report_day else None


def parse_month(text: str) -> tuple[int, int] | None:
    """'2026-11' → (2026, 11); None when it is not a month."""
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-":
        return None
    year, month = text[:4], text[5:]
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12 or int(year) < 1900:
        return None
    if (int(year), int(month)) >= (9999, 12):  # no month after it to bound it (month_bounds)
        return None
    return int(year), int(month)
