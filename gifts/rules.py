"""Pure policy of gifts/ (no ORM, no clock): campaign qualification (R-GIFT-3), what a return claws back
(R-RET-13), stocktake variance (R-GIFT-7), stock moves (R-GIFT-2) and birthday-gift timing (R-GIFT-5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CampaignRule:
    code: str
    side: str
    starts_on: dt.date
    ends_on: dt.date
    categories: tuple[str, ...]
    min_spend: Decimal


@dataclass(frozen=True)
class LineFacts:
    line_no: int
    category: str
    unit_price: Decimal
    quantity: int
    returned: int = 0  # pieces on non-rejected refund slips (net of refunds, R-GIFT-3)

    @property
    def net_quantity(self) -> int:
        return max(self.quantity - self.returned, 0)

    @property
    def net_amount(self) -> Decimal:
        return self.unit_price * self.net_quantity


@dataclass(frozen=True)
class Qualification:
    """Whether a receipt qualifies and why, in words the clerk can read aloud."""

    qualifies: bool
    reason: str  # "qualifies" | "wrong_side" | "outside_dates" | "below_min_spend"
    spend: Decimal  # counted spend, net of refunds
    min_spend: Decimal
    shortfall: Decimal  # how much more spend would qualify (0 when it qualifies)
    counted_lines: tuple[tuple[int, Decimal], ...] = field(default_factory=tuple)  # (line_no, net amount)
    ignored_lines: tuple[int, ...] = field(default_factory=tuple)  # lines of other categories

    def as_dict(self) -> dict:
        return {"qualifies": self.qualifies, "reason": self.reason, "spend": f"{self.spend:.2f}",
                "min_spend": f"{self.min_spend:.2f}", "shortfall": f"{self.shortfall:.2f}",
                "counted_lines": [{"line_no": no, "amount": f"{amount:.2f}"} for no, amount in self.counted_lines],
                "ignored_lines": list(self.ignored_lines)}


def counted_spend(*, rule: CampaignRule, lines: list[LineFacts]) -> tuple[Decimal, tuple, tuple]:
    counted, ignored, spend = [], [], ZERO
    for line in lines:
        if rule.categories and line.category not in rule.categories:
            ignored.append(line.line_no)
            continue
        counted.append((line.line_no, line.net_amount))
        spend += line.net_amount
    return spend, tuple(counted), tuple(ignored)


def receipt_qualification(*, rule: CampaignRule, side: str, rung_on: dt.date, lines: list[LineFacts]) -> Qualification:
    """R-GIFT-3: rung (store date) between the campaign's dates inclusive, on its side, and the lines in its
    categories (all when none are named), net of refunded pieces, sum to at least the minimum spend."""
    spend, counted, ignored = counted_spend(rule=rule, lines=lines)
    shortfall = max(rule.min_spend - spend, ZERO)
    if side != rule.side:
        return Qualification(False, "wrong_side", spend, rule.min_spend, shortfall, counted, ignored)
    if not (rule.starts_on <= rung_on <= rule.ends_on):
        return Qualification(False, "outside_dates", spend, rule.min_spend, shortfall, counted, ignored)
    if spend < rule.min_spend:
        return Qualification(False, "below_min_spend", spend, rule.min_spend, shortfall, counted, ignored)
    return Qualification(True, "qualifies", spend, rule.min_spend, ZERO, counted, ignored)


def lines_after_returns(lines: list[LineFacts], returned: dict[int, int]) -> list[LineFacts]:
    """The receipt's lines with `returned` pieces (earlier slips + this one) taken off."""
    return [LineFacts(ln.line_no, ln.category, ln.unit_price, ln.quantity, min(ln.quantity, int(returned.get(ln.line_no, 0))))
            for ln in lines]


def gift_clawed_back(*, rule: CampaignRule, lines: list[LineFacts], returned: dict[int, int]) -> bool:
    """R-GIFT-3 / R-RET-13: a gift comes back when the refunded pieces take the receipt's counted spend below
    the campaign's minimum; a return that leaves it still qualifying claws nothing back."""
    spend, _counted, _ignored = counted_spend(rule=rule, lines=lines_after_returns(lines, returned))
    return spend < rule.min_spend


def clawback_cash(*, unit_value: Decimal, quantity: int, handed_back: bool) -> Decimal:
    """R-RET-13: a gift not handed back is paid for at its value."""
    return ZERO if handed_back else (unit_value * quantity).quantize(Decimal("0.01"))


def stock_after(*, on_hand: int, quantity: int) -> int | None:
    """R-GIFT-2: the balance after a move, or None when it would go negative (refused)."""
    after = on_hand + quantity
    return after if after >= 0 else None


def stocktake_status(*, expected: int, counted: int) -> tuple[int, str]:
    """R-GIFT-7: (variance, status) of a count against the ledger."""
    variance = counted - expected
    return variance, ("balanced" if variance == 0 else "needs_explanation")


def birthday_due(*, birthday: dt.date | None, today: dt.date, window_days: int, collected_this_year: bool) -> bool:
    """R-GIFT-5 / R-VIP-9: the Member 360 page offers the gift on the birthday (± the policy's window), once a
    calendar year. 29 February is celebrated on 28 February in other years."""
    if birthday is None or collected_this_year:
        return False
    try:
        this_year = birthday.replace(year=today.year)
    except ValueError:
        this_year = dt.date(today.year, 2, 28)
    return abs((today - this_year).days) <= window_days


def stock_low(*, on_hand: int, threshold: int) -> bool:
    return on_hand <= threshold
