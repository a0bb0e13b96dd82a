"""Pure membership rules (domain-rules.md §1): points, member prices, rebates, vouchers, tiers,
privacy masks and document checks. Plain values in, a result out: no ORM, no clock, no I/O.
The policy values come from `members.selectors.policy_at(at=...)`."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from servicedesk.privacy import mask_id_number, mask_phone  # noqa: F401  (R-VIP-7, shared with complaints)

DEPT, MARKET = "dept", "market"
GOLD, PLATINUM = "gold", "platinum"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Promotion:
    """R-PTS-3: an active promotion: a multiplier on the line's rate, or its own rate."""

    id: int
    name: str
    side: str
    counters: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    multiplier: int = 1
    yuan_per_point: Decimal | None = None
    platinum_only: bool = False

    def applies(self, *, side: str, counter: str, category: str, tier: str | None) -> bool:
        if self.side != side or (self.platinum_only and tier != PLATINUM):
            return False
        if self.counters and counter not in self.counters:
            return False
        return not (self.categories and category not in self.categories)


@dataclass(frozen=True)
class PolicyValues:
    """The membership policy in force at one moment, as plain values."""

    policy_id: int | None
    special_price_ratio: Decimal = Decimal("0.8")
    market_yuan_per_point: Decimal = Decimal("2")
    bulk_discount_excluded: bool = True
    market_fresh_excluded: bool = True
    market_special_excluded: bool = True
    category_rates: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # category → (full, special)
    counter_rates: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    promotions: tuple[Promotion, ...] = ()
    birthday_multipliers: dict[str, int] = field(default_factory=lambda: {GOLD: 2, PLATINUM: 3})
    discount_factors: dict[tuple[str, bool], Decimal] = field(default_factory=dict)  # (tier, special) → factor
    rebate_brackets: tuple[tuple[int, Decimal], ...] = ()  # (min points, percent), ascending
    vouchers: dict[int, Decimal] = field(default_factory=dict)  # points → value
    card_fee: Decimal = Decimal("5.00")
    card_stock_threshold: int = 200
    upgrade_year_spend: Decimal = Decimal("30000")
    gold_daily_spend: Decimal = Decimal("800")
    platinum_daily_spend: Decimal = Decimal("10000")
    group_min: Decimal = Decimal("5000")
    group_max: Decimal = Decimal("10000")
    group_per_card: Decimal = Decimal("2000")
    prepaid_per_card: Decimal = Decimal("100000")
    prepaid_max_cards: int = 5
    birthday_card_min_points: int = 5000
    birthday_card_days_ahead: int = 10


@dataclass(frozen=True)
class LineFacts:
    line_no: int
    counter: str
    category: str
    list_price: Decimal
    unit_price: Decimal
    quantity: int
    bulk_discount: bool = False
    fresh: bool = False

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class LinePoints:
    line_no: int
    amount: str
    basis: str  # bulk_discount | fresh | special_price | no_rate | promotion | counter | category | market
    rule: str  # the rule id that decided it
    yuan_per_point: str | None = None
    multiplier: int = 1
    special_price: bool = False
    group: int | None = None
    promotion: str | None = None


@dataclass(frozen=True)
class PointsGroup:
    yuan_per_point: str
    multiplier: int
    amount: str
    points: int


@dataclass(frozen=True)
class PointsResult:
    wallet: str
    points: int
    base_points: int
    birthday_multiplier: int
    lines: tuple[LinePoints, ...]
    groups: tuple[PointsGroup, ...]
    policy_id: int | None = None

    def as_dict(self) -> dict:
        """What `dataclasses.asdict` gives (its deep copy was a twentieth of a till request's CPU)."""
        return {"wallet": self.wallet, "points": self.points, "base_points": self.base_points,
                "birthday_multiplier": self.birthday_multiplier, "lines": [dict(vars(line)) for line in self.lines],
                "groups": [dict(vars(group)) for group in self.groups], "policy_id": self.policy_id}


@dataclass(frozen=True)
class PointsReversal:
    """What a return takes back from a receipt's points (interface for returns/)."""

    wallet: str
    points: int  # points the returned quantities had earned
    reversed_points: int  # taken off the wallet: min(points, balance)
    shortfall_points: int  # what the balance could not cover


def is_special_price(*, unit_price: Decimal, list_price: Decimal, policy: PolicyValues) -> bool:
    """A line is special price when unit price < ratio × list price (api-contract; R-VIP-8, R-PTS-1)."""
    return unit_price < policy.special_price_ratio * list_price


def is_birthday(*, birthday: dt.date | None, day: dt.date) -> bool:
    """R-VIP-9; a 29 February birthday is kept on 28 February in other years."""
    if birthday is None:
        return False
    month, dom = birthday.month, birthday.day
    if month == 2 and dom == 29 and not calendar.isleap(day.year):
        dom = 28
    return (day.month, day.day) == (month, dom)


def _floor_points(amount: Decimal, yuan_per_point: Decimal) -> int:
    return int((amount / yuan_per_point).to_integral_value(rounding=ROUND_FLOOR))


def receipt_points(*, side: str, lines: list[LineFacts], tier: str | None, birthday: bool,
                   policy: PolicyValues) -> PointsResult:
    """Points for one receipt (R-PTS-1..3, R-PTS-5, R-VIP-9) with the rule behind each line.

    Lines are grouped by (yuan per point, promotion multiplier); each group earns
    floor(group amount ÷ yuan per point) × multiplier (R-PTS-1 "per receipt for each group of lines
    with the same rate"); the birthday multiplier applies on top of the receipt's sum (R-PTS-3)."""
    explained: list[LinePoints] = []
    keyed: dict[tuple[Decimal, int], list[int]] = {}
    amounts: dict[tuple[Decimal, int], Decimal] = {}
    for line in lines:
        amount = line.amount
        special = is_special_price(unit_price=line.unit_price, list_price=line.list_price, policy=policy)
        base = {"line_no": line.line_no, "amount": f"{amount:.2f}", "special_price": special}
        if line.bulk_discount and policy.bulk_discount_excluded:
            explained.append(LinePoints(**base, basis="bulk_discount", rule="R-PTS-3"))
            continue
        promo = next((p for p in policy.promotions
                      if p.applies(side=side, counter=line.counter, category=line.category, tier=tier)), None)
        multiplier, promo_name = 1, None
        if side == MARKET:
            if (line.fresh or line.category == "fresh") and policy.market_fresh_excluded:
                explained.append(LinePoints(**base, basis="fresh", rule="R-PTS-2"))
                continue
            if special and policy.market_special_excluded:
                explained.append(LinePoints(**base, basis="special_price", rule="R-PTS-2"))
                continue
            rate, basis, rule = policy.market_yuan_per_point, "market", "R-PTS-2"
        elif line.counter in policy.counter_rates:
            rate, basis, rule = policy.counter_rates[line.counter][1 if special else 0], "counter", "R-PTS-3"
        elif line.category in policy.category_rates:
            rate, basis, rule = policy.category_rates[line.category][1 if special else 0], "category", "R-PTS-1"
        else:
            explained.append(LinePoints(**base, basis="no_rate", rule="R-PTS-1"))
            continue
        if promo is not None:
            basis, rule, promo_name, multiplier = "promotion", "R-PTS-3", promo.name, promo.multiplier
            if promo.yuan_per_point:
                rate = promo.yuan_per_point
        key = (Decimal(rate), multiplier)
        if key not in keyed:
            keyed[key] = []
            amounts[key] = Decimal("0")
        amounts[key] += amount
        group_index = list(keyed).index(key)
        keyed[key].append(line.line_no)
        explained.append(LinePoints(**base, basis=basis, rule=rule, yuan_per_point=f"{rate.normalize():f}",
                                    multiplier=multiplier, group=group_index, promotion=promo_name))
    groups = tuple(
        PointsGroup(yuan_per_point=f"{rate.normalize():f}", multiplier=mult, amount=f"{amounts[(rate, mult)]:.2f}",
                    points=_floor_points(amounts[(rate, mult)], rate) * mult)
        for rate, mult in keyed
    )
    base_points = sum(g.points for g in groups)
    bmult = policy.birthday_multipliers.get(tier, 1) if (birthday and tier) else 1
    return PointsResult(wallet=side, points=base_points * bmult, base_points=base_points, birthday_multiplier=bmult,
                        lines=tuple(explained), groups=groups, policy_id=policy.policy_id)


def lines_without_returned(lines: list[LineFacts], returned: dict[int, int]) -> list[LineFacts]:
    """The receipt as if the returned quantities had never been bought."""
    kept = []
    for line in lines:
        quantity = line.quantity - min(int(returned.get(line.line_no, 0)), line.quantity)
        if quantity > 0:
            kept.append(LineFacts(**{**asdict(line), "quantity": quantity}))
    return kept


def reversal_points(*, side: str, lines: list[LineFacts], tier: str | None, birthday_multiplier: int,
                    earned: int, already_returned: dict[int, int], returned: dict[int, int],
                    policy: PolicyValues) -> int:
    """Points a return takes back: what the receipt earned (less earlier returns) minus what it would
    have earned without these quantities, with the same policy and multipliers as when it was rung."""

    def points(removed: dict[int, int]) -> int:
        result = receipt_points(side=side, lines=lines_without_returned(lines, removed), tier=tier, birthday=False,
                                policy=policy)
        return result.base_points * birthday_multiplier

    before = earned if not already_returned else points(already_returned)
    combined = {k: already_returned.get(k, 0) + returned.get(k, 0) for k in set(already_returned) | set(returned)}
    return max(0, min(earned, before - points(combined)))


@dataclass(frozen=True)
class MemberPrice:
    line_no: int
    special_price: bool
    factor: Decimal
    unit_price: Decimal
    member_unit_price: Decimal
    amount: Decimal
    rule: str


def member_price(*, line: LineFacts, tier: str, policy: PolicyValues) -> MemberPrice:
    """R-VIP-8: gold ×0.90 / platinum ×0.88 at ≥ 80% of list, ×0.95 / ×0.90 below; bulk lines none."""
    special = is_special_price(unit_price=line.unit_price, list_price=line.list_price, policy=policy)
    factor = Decimal("1") if line.bulk_discount else policy.discount_factors[(tier, special)]
    unit = (line.unit_price * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    amount = (line.unit_price * line.quantity * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    return MemberPrice(line.line_no, special, factor, line.unit_price, unit, amount, "R-VIP-8")


def rebate_for_points(*, points: int, brackets: tuple[tuple[int, Decimal], ...]) -> Decimal:
    """R-RBT-1: the stored value a year's dept points earn (0.00 below the first bracket)."""
    percent = Decimal("0")
    for min_points, pct in sorted(brackets):
        if points >= min_points:
            percent = Decimal(pct)
    return (Decimal(points) * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def voucher_value(*, points: int, table: dict[int, Decimal]) -> Decimal | None:
    """R-RBT-2: the voucher a number of market points buys, or None when not on the table."""
    return table.get(points)


@dataclass(frozen=True)
class Qualification:
    tier: str | None  # the best tier the purchase qualifies for, None = none
    cards: int  # how many cards it entitles
    rule: str


def qualification_for(*, kind: str, total: Decimal, policy: PolicyValues) -> Qualification:
    """R-VIP-1/2/3: what a day's purchases, a group purchase or a prepaid-card purchase qualify for."""
    if kind == "daily_spend":
        if total >= policy.platinum_daily_spend:
            return Qualification(PLATINUM, 1, "R-VIP-3")
        if total >= policy.gold_daily_spend:
            return Qualification(GOLD, 1, "R-VIP-1")
        return Qualification(None, 0, "R-VIP-1")
    if kind == "group_purchase":
        if policy.group_min <= total <= policy.group_max:
            return Qualification(GOLD, int(total // policy.group_per_card), "R-VIP-2")
        return Qualification(None, 0, "R-VIP-2")
    if kind == "prepaid_cards":
        cards = min(int(total // policy.prepaid_per_card), policy.prepaid_max_cards)
        return Qualification(PLATINUM if cards else None, cards, "R-VIP-3")
    if kind == "legacy_card":
        return Qualification(GOLD, 1, "R-VIP-5")
    raise ValueError(kind)


def qualification_reuse_refused(*, kind: str, earlier_kinds: set[str]) -> bool:
    """R-VIP-1/2/3: a day's receipts qualify one card only; a group or prepaid-card purchase qualifies several
    cards of its own kind (R-VIP-2/3 count them), never a card of another kind."""
    if not earlier_kinds:
        return False
    return kind == "daily_spend" or bool(earlier_kinds - {kind})


def upgrade_due(*, tier: str, year_spend: Decimal, policy: PolicyValues) -> bool:
    """R-VIP-4: a gold member whose calendar-year spend reaches the threshold becomes platinum."""
    return tier == GOLD and year_spend >= policy.upgrade_year_spend


def birthday_problem(*, birthday: dt.date | None, today: dt.date, max_age_years: int) -> str | None:
    """Issue 9: an impossible birthday — in the future, or more than `max_age_years` ago — is refused
    (9999-12-31 and 0001-01-01 used to be stored). None when the date is possible (or not given)."""
    if birthday is None:
        return None
    if birthday > today:
        return "future"
    try:
        oldest = today.replace(year=today.year - max_age_years)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - max_age_years, day=28)
    if birthday < oldest:
        return "too_old"
    return None


def card_stock_low(*, on_hand: int, policy: PolicyValues) -> bool:
    """R-CARD-3."""
    return on_hand < policy.card_stock_threshold


PHONE_RE = re.compile(r"^1\d{10}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def phone_valid(phone: str) -> bool:
    """R-VIP-6: mainland mobile, 11 digits starting with 1."""
    return bool(PHONE_RE.match(phone or ""))


def id_card_valid(number: str) -> bool:
    """R-VIP-6: 18 characters, 17 digits and a GB 11643 check character."""
    number = (number or "").upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def shortfall_cash_value(*, shortfall_points: int, rate: Decimal) -> Decimal:
    """R-RET-13: what points that can no longer be taken back (spent, or settled by a rebate) cost in cash,
    at the returns policy's value of one point of that wallet."""
    return (Decimal(shortfall_points) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
