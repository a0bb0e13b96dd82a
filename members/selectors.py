"""Reads of members/: the policy in force, cards, year spend, search, the ledger, return quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from receipts.models import Receipt
from servicedesk.policies import policy_in_force

from . import rules
from .choices import CardStatus, EntryKind, Wallet
from .models import Card, Member, MemberPolicy, PointsEntry, PromotionRule, ReceiptPoints

_POLICY_CACHE: dict[tuple[int, dt.datetime], rules.PolicyValues] = {}


def policy_row_at(*, at: dt.datetime) -> MemberPolicy:
    return policy_in_force(MemberPolicy, at=at)  # the one lookup and fallback (servicedesk/policies.py)


def policy_at(*, at: dt.datetime) -> rules.PolicyValues:
    """The membership policy in force at `at`, with the promotions running then, as plain values."""
    row = policy_row_at(at=at)
    key = (row.pk, row.updated_at)
    static = _POLICY_CACHE.get(key)
    if static is None:
        static = rules.PolicyValues(
            policy_id=row.pk,
            special_price_ratio=row.special_price_ratio,
            market_yuan_per_point=row.market_yuan_per_point,
            bulk_discount_excluded=row.bulk_discount_excluded,
            market_fresh_excluded=row.market_fresh_excluded,
            market_special_excluded=row.market_special_excluded,
            category_rates={r.category: (r.full_yuan_per_point, r.special_yuan_per_point) for r in row.category_rates.all()},
            counter_rates={r.counter: (r.full_yuan_per_point, r.special_yuan_per_point) for r in row.counter_rates.all()},
            birthday_multipliers={rules.GOLD: row.birthday_multiplier_gold, rules.PLATINUM: row.birthday_multiplier_platinum},
            discount_factors={
                (rules.GOLD, False): row.gold_full_factor, (rules.GOLD, True): row.gold_special_factor,
                (rules.PLATINUM, False): row.platinum_full_factor, (rules.PLATINUM, True): row.platinum_special_factor,
            },
            rebate_brackets=tuple((b.min_points, b.percent) for b in row.rebate_brackets.order_by("min_points")),
            vouchers={v.points: v.value for v in row.voucher_rates.all()},
            card_fee=row.card_fee, card_stock_threshold=row.card_stock_threshold,
            upgrade_year_spend=row.upgrade_year_spend, gold_daily_spend=row.gold_daily_spend,
            platinum_daily_spend=row.platinum_daily_spend, group_min=row.group_min, group_max=row.group_max,
            group_per_card=row.group_per_card, prepaid_per_card=row.prepaid_per_card,
            prepaid_max_cards=row.prepaid_max_cards, birthday_card_min_points=row.birthday_card_min_points,
            birthday_card_days_ahead=row.birthday_card_days_ahead,
        )
        if len(_POLICY_CACHE) > 32:
            _POLICY_CACHE.clear()
        _POLICY_CACHE[key] = static
    promotions = tuple(
        rules.Promotion(
            id=p.pk, name=p.name, side=p.side, multiplier=p.multiplier, yuan_per_point=p.yuan_per_point,
            counters=frozenset(c.strip() for c in p.counters.split(",") if c.strip()),
            categories=frozenset(c.strip() for c in p.categories.split(",") if c.strip()),
            platinum_only=p.platinum_only,
        )
        for p in PromotionRule.objects.filter(starts_at__lte=at, ends_at__gt=at).order_by("-starts_at", "-pk")
    )
    if not promotions:
        return static
    from dataclasses import replace

    return replace(static, promotions=promotions)


def card_usable(*, card_number: str | None) -> Card | None:
    """The active card with that number, or None (unknown, blocked or replaced: `card_not_usable`)."""
    if not card_number:
        return None
    return Card.objects.select_related("member").filter(card_number=card_number, status=CardStatus.ACTIVE).first()


def card_current(*, card: Card) -> Card:
    """The card now carrying this card's balances (after replacements, R-CARD-1/2)."""
    from .models import CardReplacement

    seen = 0
    while seen < 20:
        nxt = CardReplacement.objects.filter(old_card=card).select_related("new_card").first()
        if nxt is None:
            return card
        card, seen = nxt.new_card, seen + 1
    return card


def member_year_spend(*, member: Member, year: int) -> Decimal:
    """R-VIP-4: the member's purchases in a calendar year, over all their cards."""
    numbers = list(member.cards.values_list("card_number", flat=True))
    total = Receipt.objects.filter(
        card_number__in=numbers, business_date__gte=dt.date(year, 1, 1), business_date__lte=dt.date(year, 12, 31)
    ).aggregate(s=Sum("total"))["s"]
    return total or Decimal("0.00")


def line_facts(receipt: Receipt) -> list[rules.LineFacts]:
    return [
        rules.LineFacts(line_no=ln.line_no, counter=ln.counter, category=ln.category, list_price=ln.list_price,
                        unit_price=ln.unit_price, quantity=ln.quantity, bulk_discount=ln.bulk_discount, fresh=ln.fresh)
        for ln in receipt.lines.all()
    ]


def receipt_points_explained(*, receipt: Receipt) -> dict | None:
    rp = ReceiptPoints.objects.filter(receipt=receipt).first()
    return rp.explanation if rp else None


def members_search(*, term: str, limit: int = 20) -> list[Card]:
    """One box for card scan, phone or name: exact matches on indexed keys first (one indexed lookup each,
    never an OR across the join, which would scan), then a name prefix (varchar_pattern_ops index)."""
    term = (term or "").strip()
    if not term:
        return []
    base = Card.objects.select_related("member").order_by("status", "-id")
    lookups = []
    if term.isdigit() or term[:1].isalpha() and any(ch.isdigit() for ch in term):
        lookups += [{"card_number": term}, {"legacy_card_number": term}]
    if term.isdigit() and len(term) == 11:
        lookups.append({"member__phone": term})
    lookups.append({"member__name": term})
    for lookup in lookups:
        found = list(base.filter(**lookup)[:limit])
        if found:
            return found
    return list(base.filter(member__name__startswith=term)[:limit])


def ledger_for_card(*, card: Card, limit: int = 50) -> list[PointsEntry]:
    return list(PointsEntry.objects.filter(card=card).select_related("by").order_by("-id")[:limit])


def ledgers_mismatched(*, chunk_size: int = 10000) -> list[dict]:
    """R-PTS-6: every card whose cached balance differs from the sum of its ledger."""
    mismatches: list[dict] = []
    last = 0
    while True:
        cards = list(Card.objects.filter(pk__gt=last).order_by("pk")
                     .values_list("pk", "card_number", "dept_points", "market_points", "stored_value")[:chunk_size])
        if not cards:
            return mismatches
        lo, hi = cards[0][0], cards[-1][0]
        sums: dict[tuple[int, str], tuple[int, Decimal]] = {
            (row["card_id"], row["wallet"]): (row["p"] or 0, row["a"] or Decimal("0"))
            for row in PointsEntry.objects.filter(card_id__gte=lo, card_id__lte=hi).values("card_id", "wallet")
            .annotate(p=Sum("points"), a=Sum("amount")).order_by()
        }
        for pk, number, dept, market, stored in cards:
            ledger_dept = sums.get((pk, Wallet.DEPT), (0, 0))[0]
            ledger_market = sums.get((pk, Wallet.MARKET), (0, 0))[0]
            ledger_stored = Decimal(sums.get((pk, Wallet.STORED_VALUE), (0, Decimal("0")))[1])
            if (dept, market, stored) != (ledger_dept, ledger_market, ledger_stored):
                mismatches.append({"card_number": number, "dept": (dept, ledger_dept), "market": (market, ledger_market),
                                   "stored_value": (stored, ledger_stored)})
        last = hi


def _already_returned(receipt: Receipt) -> dict[int, int]:
    done: dict[int, int] = {}
    for meta in PointsEntry.objects.filter(receipt=receipt, kind=EntryKind.REVERSE).values_list("meta", flat=True):
        for line_no, qty in (meta or {}).get("returned", {}).items():
            done[int(line_no)] = done.get(int(line_no), 0) + int(qty)
    return done


def points_reversal_due(*, receipt: Receipt, returned: dict[int, int]) -> tuple[ReceiptPoints | None, int]:
    """(the receipt's points record, points these returned quantities had earned)."""
    rp = ReceiptPoints.objects.select_related("card").filter(receipt=receipt).first()
    if rp is None or rp.card is None or rp.points <= 0:
        return rp, 0
    tier = (rp.explanation or {}).get("tier") or rp.card.tier
    due = rules.reversal_points(
        side=receipt.side, lines=line_facts(receipt), tier=tier, birthday_multiplier=rp.birthday_multiplier,
        earned=rp.points, already_returned=_already_returned(receipt), returned=returned,
        policy=policy_at(at=receipt.rung_at),
    )
    return rp, due


def points_reversal_quote(*, receipt: Receipt, returned: dict[int, int]) -> rules.PointsReversal:
    """What `points_reverse_for_return` would do, without doing it (for the returns quote)."""
    rp, due = points_reversal_due(receipt=receipt, returned=returned)
    wallet = receipt.side
    if rp is None or rp.card is None or due <= 0:
        return rules.PointsReversal(wallet=wallet, points=0, reversed_points=0, shortfall_points=0)
    card = card_current(card=rp.card)
    balance = Card.objects.values_list("dept_points" if wallet == Wallet.DEPT else "market_points", flat=True).get(pk=card.pk)
    taken = min(due, balance)
    return rules.PointsReversal(wallet=wallet, points=due, reversed_points=taken, shortfall_points=due - taken)


def business_day_start(*, now: dt.datetime) -> dt.datetime:
    """Start of the store's current business day (local midnight)."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def member_phone_for(*, member: Member, user, context: str) -> str:
    """R-VIP-7: the full phone for roles allowed to see it (each view logged), masked for everyone else."""
    return _unmasked(member=member, user=user, context=context, value=member.phone, masked=member.masked_phone)


def member_id_number_for(*, member: Member, user, context: str) -> str:
    return _unmasked(member=member, user=user, context=context, value=member.id_number, masked=member.masked_id_number)


def _unmasked(*, member: Member, user, context: str, value: str, masked: str) -> str:
    from .models import UnmaskedAccessLog

    if not user.has_perm("members.view_unmasked"):
        return masked
    UnmaskedAccessLog.objects.create(user=user, member=member, context=context[:100])
    return value


def qualification_preview(*, kind: str, keys: list[tuple[str, str]], now: dt.datetime) -> dict:
    """The enrolment counter's live check of the receipts typed so far (no locks, nothing written): the
    same rules `member_enrol` applies (R-VIP-1/2/3/5) — found, missing, already used, days, total, and
    what they qualify for. Raises ValueError for an unknown kind."""
    from .models import QualificationUse

    found, missing = [], []
    for side, number in keys[:50]:
        receipt = Receipt.objects.filter(side=side, number=number).first()
        (found.append(receipt) if receipt is not None else missing.append(number))
    earlier = {}
    for number, use_kind in QualificationUse.objects.filter(receipt__in=found).values_list("receipt__number", "kind"):
        earlier.setdefault(number, set()).add(use_kind)
    used = [n for n, kinds in earlier.items() if rules.qualification_reuse_refused(kind=kind, earlier_kinds=kinds)]
    total = sum((r.total for r in found), Decimal("0.00"))
    days = sorted({r.business_date.isoformat() for r in found})
    result = rules.qualification_for(kind=kind, total=total, policy=policy_at(at=now))
    return {"total": f"{total:.2f}", "days": days, "missing": missing, "used": used, "tier": result.tier,
            "cards": result.cards, "rule": result.rule,
            "ok": bool(result.tier) and not missing and len(days) <= 1 and not used}
