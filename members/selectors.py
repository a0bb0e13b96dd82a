"""Reads of members/: the policy in force, cards, year spend, search, the ledger, return quotes."""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
import uuid
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from receipts.models import Receipt
from servicedesk.policies import PolicyMissing, policy_in_force

from . import rules
from .choices import CardStatus, EntryKind, Wallet
from .models import Card, Member, MemberPolicy, PointsEntry, PromotionRule, ReceiptPoints

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- the policy in force, memoised

# How long a worker process trusts its memo of the policy versions and promotions without a word from the
# shared cache (a technical bound, not a business number: with Redis every committed change reaches every
# process at once; with the per-process memory cache of a single-machine demo a change shows within this).
POLICY_MEMO_SECONDS = 30.0
POLICY_GENERATION_KEY = "members:policy-generation"
# A process compares its memo with the shared generation at most this often (one cache round trip a
# second instead of one a receipt): another process's committed change is seen within this.
POLICY_GENERATION_CHECK_SECONDS = 1.0
# Promotions ending before (memo load time − this) are not memoised: receipts rung that long ago
# (imports of an earlier day) read their promotions from the database as before.
PROMOTION_MEMO_WINDOW = dt.timedelta(days=1)


@dataclass
class _PolicyMemo:
    generation: Any
    loaded_at: float
    window_start: dt.datetime
    versions: list[tuple[dt.datetime, int]]  # (effective_from, pk), ascending
    promotions: list[tuple[dt.datetime, dt.datetime, rules.Promotion]]  # (starts_at, ends_at, …) as the DB orders them
    statics: dict[int, rules.PolicyValues] = dc_field(default_factory=dict)
    checked_at: float = 0.0  # when the shared generation was last compared


_MEMO: _PolicyMemo | None = None
_local = threading.local()  # this thread's uncommitted policy writes (their on-commit callbacks)


class _PolicyCommitted:
    """on_commit callback of one policy write: tells every process (through the shared cache) to reload."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        policy_memo_clear()


def policy_memo_clear() -> None:
    """Forget the memoised policy here and, through the shared cache, in every process. Called on commit of
    any write to a policy version, its rate rows or a promotion (signals wired in members.hooks.register);
    call it after changing those rows with QuerySet.update() or raw SQL, which send no signals."""
    global _MEMO
    _MEMO = None
    try:
        cache.set(POLICY_GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a policy edit; the memo's age bounds it
        logger.warning("policy memo: the shared cache is not reachable; other processes reload within %ss",
                       POLICY_MEMO_SECONDS)


def policy_row_changed(**kwargs) -> None:
    """Signal receiver (post_save / post_delete of MemberPolicy, its rate rows, PromotionRule)."""
    global _MEMO
    _MEMO = None
    callback = _PolicyCommitted()
    pending = getattr(_local, "pending", [])
    pending.append(callback)
    _local.pending = pending
    transaction.on_commit(callback)  # outside a transaction: runs at once


def _writes_pending() -> bool:
    """True while this thread's transaction holds a policy write not yet committed: it must read its own
    writes from the database (and never memoise them — the transaction may still roll back)."""
    pending = getattr(_local, "pending", None)
    if not pending:
        return False
    queued = {id(func) for _sids, func, *_rest in connection.run_on_commit}
    # A rolled-back write's callback is dropped from run_on_commit by Django: it is no longer pending.
    still = [cb for cb in pending if not cb.done and id(cb) in queued]
    _local.pending = still
    return bool(still)


def _memo() -> _PolicyMemo | None:
    global _MEMO
    if _writes_pending():
        return None
    memo, clock = _MEMO, time.monotonic()
    if memo is not None and clock - memo.checked_at < POLICY_GENERATION_CHECK_SECONDS:
        return memo  # asked the shared cache less than a second ago (a change here has dropped the memo already)
    try:
        generation = cache.get(POLICY_GENERATION_KEY)
    except Exception:  # noqa: BLE001 - no shared cache: read the database as before the memo existed
        return None
    if memo is not None and memo.generation == generation and clock - memo.loaded_at < POLICY_MEMO_SECONDS:
        memo.checked_at = clock
        return memo
    window_start = timezone.now() - PROMOTION_MEMO_WINDOW
    versions = list(MemberPolicy.objects.order_by("effective_from", "pk").values_list("effective_from", "pk"))
    promotions = [(p.starts_at, p.ends_at, _promotion(p)) for p in
                  PromotionRule.objects.filter(ends_at__gt=window_start).order_by("-starts_at", "-pk")]
    memo = _PolicyMemo(generation=generation, loaded_at=clock, window_start=window_start,
                       versions=versions, promotions=promotions, checked_at=clock)
    _MEMO = memo
    return memo


def _promotion(p: PromotionRule) -> rules.Promotion:
    return rules.Promotion(
        id=p.pk, name=p.name, side=p.side, multiplier=p.multiplier, yuan_per_point=p.yuan_per_point,
        counters=frozenset(c.strip() for c in p.counters.split(",") if c.strip()),
        categories=frozenset(c.strip() for c in p.categories.split(",") if c.strip()),
        platinum_only=p.platinum_only,
    )


def _static_values(row: MemberPolicy) -> rules.PolicyValues:
    return rules.PolicyValues(
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


def _version_pk_at(versions: list[tuple[dt.datetime, int]], at: dt.datetime) -> int:
    """servicedesk.policies.policy_in_force over the memoised versions: the latest at or before `at`, else the
    oldest; none → PolicyMissing."""
    if not versions:
        raise PolicyMissing(_("No %(policy)s is set up: run migrate.") % {"policy": MemberPolicy._meta.verbose_name},
                            code="no_policy")
    i = bisect.bisect_right(versions, at, key=lambda v: v[0])
    if i == 0:
        return versions[0][1]
    chosen = versions[i - 1]
    # equal effective_from is impossible (unique), so the last one at or before `at` is the one in force
    return chosen[1]


def policy_row_at(*, at: dt.datetime) -> MemberPolicy:
    return policy_in_force(MemberPolicy, at=at)  # the one lookup and fallback (servicedesk/policies.py)


def policy_at(*, at: dt.datetime) -> rules.PolicyValues:
    """The membership policy in force at `at`, with the promotions running then, as plain values.

    Memoised per process (performance: the till feed asks on every receipt): the versions and the promotions
    of the last day are read once, each version's values once, and the memo is dropped on commit of any
    policy or promotion change (a generation key in the shared cache tells the other processes). A thread
    whose transaction has changed policy rows reads the database, as does any receipt older than the
    memo's promotion window."""
    memo = _memo()
    if memo is None:
        return _policy_at_db(at=at)
    pk = _version_pk_at(memo.versions, at)
    static = memo.statics.get(pk)
    if static is None:
        static = memo.statics[pk] = _static_values(MemberPolicy.objects.get(pk=pk))
    if at < memo.window_start:
        promotions = _promotions_db(at)
    else:
        promotions = tuple(p for starts, ends, p in memo.promotions if starts <= at < ends)
    return replace(static, promotions=promotions) if promotions else static


def _promotions_db(at: dt.datetime) -> tuple[rules.Promotion, ...]:
    return tuple(_promotion(p) for p in
                 PromotionRule.objects.filter(starts_at__lte=at, ends_at__gt=at).order_by("-starts_at", "-pk"))


def _policy_at_db(*, at: dt.datetime) -> rules.PolicyValues:
    """The same answer read from the database (no memo)."""
    static = _static_values(policy_row_at(at=at))
    promotions = _promotions_db(at)
    return replace(static, promotions=promotions) if promotions else static


_CARD_SELECT: dict = {}


def _card_select():
    """The SELECT of _cards_with_members and each column's converters (the ones the ORM applies), per backend."""
    vendor = connection.vendor
    if vendor not in _CARD_SELECT:
        quote = connection.ops.quote_name
        parts = []
        for model, alias in ((Card, "c"), (Member, "m")):
            fields = list(model._meta.concrete_fields)
            converters = []
            for f in fields:
                col = f.get_col(model._meta.db_table)
                converters.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
            parts.append((model, [f.attname for f in fields], converters, [f"{alias}.{quote(f.column)}" for f in fields]))
        sql = (f"SELECT {', '.join(parts[0][3] + parts[1][3])} FROM {quote(Card._meta.db_table)} c "  # noqa: S608
               f"JOIN {quote(Member._meta.db_table)} m ON m.{quote('id')} = c.{quote('member_id')} "
               f"WHERE c.{quote('status')} = %s AND c.{quote('card_number')} ")
        _CARD_SELECT[vendor] = (sql, parts)
    return _CARD_SELECT[vendor]


def _convert(values, converters) -> list:
    out = list(values)
    for i, (col, funcs) in enumerate(converters):
        for func in funcs:
            out[i] = func(out[i], col, connection)
    return out


def _cards_with_members(card_numbers: list[str]) -> list[Card]:
    """Active cards with their member, as `select_related("member")` builds them, from one precompiled
    SELECT (issue 16: compiling that ORM query was a fifth of a till request's CPU)."""
    sql, ((_c, card_names, card_conv, card_cols), (_m, member_names, member_conv, _mc)) = _card_select()
    if len(card_numbers) == 1:
        sql += "= %s"
    else:
        sql += f"IN ({', '.join(['%s'] * len(card_numbers))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [CardStatus.ACTIVE, *card_numbers])
        rows = cursor.fetchall()
    split, cards = len(card_cols), []
    for row in rows:
        card = Card.from_db(connection.alias, card_names, _convert(row[:split], card_conv))
        card.member = Member.from_db(connection.alias, member_names, _convert(row[split:], member_conv))
        cards.append(card)
    return cards


def card_usable(*, card_number: str | None) -> Card | None:
    """The active card with that number, or None (unknown, blocked or replaced: `card_not_usable`)."""
    if not card_number:
        return None
    found = _cards_with_members([card_number])
    return found[0] if found else None


def cards_usable(*, card_numbers: list[str]) -> dict[str, Card]:
    """{number: active card} for many numbers at once (numbers not usable are absent)."""
    if not card_numbers:
        return {}
    return {card.card_number: card for card in _cards_with_members(list(card_numbers))}


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


def member_year_spend(*, member: Member, year: int, card_numbers: list[str] | None = None) -> Decimal:
    """R-VIP-4: the member's purchases in a calendar year, over all their cards (`card_numbers`: the member's
    card numbers when the caller already has them)."""
    numbers = card_numbers if card_numbers is not None else list(member.cards.values_list("card_number", flat=True))
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
    local = timezone.localtime(now, timezone.get_default_timezone())  # the store's day, whoever asks
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


def card_stock_status(*, at: dt.datetime | None = None) -> dict:
    """R-CARD-3: blank cards on hand, the warning threshold in force and whether stock is low."""
    from .models import CardStock

    policy = policy_at(at=at or timezone.now())
    stock = CardStock.objects.filter(pk=1).first()
    on_hand = stock.on_hand if stock else 0
    return {"on_hand": on_hand, "threshold": policy.card_stock_threshold,
            "low": rules.card_stock_low(on_hand=on_hand, policy=policy)}
