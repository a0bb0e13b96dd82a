"""Members services: the points and stored-value ledger — every move of a wallet, a till receipt's points,
stored value and the gold → platinum upgrade it triggers, adjustments, redemptions, reversals for returns
(R-PTS-1..6, R-RBT-4, R-VIP-4)."""


from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from receipts.choices import PaymentMethod
from receipts.models import Receipt
from receipts.rows import row_maker
from receipts.sql import ROWSET_FROM, rows_insert, rowset_param, rowset_values
from servicedesk.errors import NotAllowed, RuleViolation
from servicedesk.money import quantize
from servicedesk.periods import period_guard

from .. import events, rules, selectors
from ..choices import CardStatus, EntryKind, Tier, Wallet
from ..models import (
    Card,
    PointsEntry,
    ReceiptPoints,
)
from ..sms import sms_send

WALLET_FIELD = {Wallet.DEPT: "dept_points", Wallet.MARKET: "market_points", Wallet.STORED_VALUE: "stored_value"}
TIER_RANK = {Tier.GOLD: 1, Tier.PLATINUM: 2}


def _ledger_move(*, card_id: int, wallet: str, kind: str, delta, refuse_code: str, reference: str = "",
                 reason: str = "", by=None, receipt: Receipt | None = None, meta: dict | None = None,
                 at: dt.datetime | None = None) -> PointsEntry:
    """Move one wallet of one card by `delta` (points, or yuan for stored value) and write its ledger line.
    Must run inside a transaction; the card row stays locked until it commits.

    One `UPDATE … WHERE balance + delta >= 0 RETURNING balance` locks, moves and reads the new balance
    (performance.md: lock + update + re-read was three statements); no row back means the move would go
    below zero (R-PTS-6, R-RBT-4) and only then is the balance read for the message."""
    field = WALLET_FIELD[wallet]
    period_guard(at=(at := at or timezone.now()))  # R-FIN-2: nothing dated inside a closed month
    table, column = Card._meta.db_table, connection.ops.quote_name(field)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} + %s WHERE id = %s AND {column} + %s >= 0 "  # noqa: S608
                       f"RETURNING {column}", [delta, card_id, delta])
        row = cursor.fetchone()
    if row is None:
        current = Card.objects.values_list(field, flat=True).get(pk=card_id)  # DoesNotExist for an unknown card
        raise RuleViolation(
            _("Not enough on the card: %(balance)s available.") % {"balance": current}, code=refuse_code,
            fields={"points" if wallet != Wallet.STORED_VALUE else "amount": [f"balance {current}"]},
        )
    new = _db_money(row[0]) if wallet == Wallet.STORED_VALUE else int(row[0])
    is_money = wallet == Wallet.STORED_VALUE
    return PointsEntry.objects.create(
        card_id=card_id, wallet=wallet, kind=kind, points=0 if is_money else int(delta),
        amount=quantize(delta) if is_money else Decimal("0.00"), balance_after=new, reference=reference[:80],
        reason=reason, by=by, receipt=receipt, meta=meta or {}, at=at or timezone.now(),
    )


def _db_money(value) -> Decimal:
    """A money column read by raw SQL: SQLite answers a float, PostgreSQL a Decimal."""
    return quantize(Decimal(str(value)) if isinstance(value, float) else value)


def _require_active(card: Card) -> None:
    if card.status != CardStatus.ACTIVE:
        raise RuleViolation(_("This card is blocked or replaced."), code="card_not_usable",
                            fields={"card_number": ["not usable"]})


def points_award_for_receipt(*, receipt: Receipt, card: Card, lines: list[rules.LineFacts],
                             policy: rules.PolicyValues | None = None) -> rules.PointsResult:
    """R-PTS-1..5, R-VIP-9: credit what the receipt earns to the side's wallet; inside the feed's transaction.
    `policy` is the policy in force when the receipt was rung (loaded here when not given)."""
    policy = policy or selectors.policy_at(at=receipt.rung_at)
    result = receipt_points_compute(receipt=receipt, card=card, lines=lines, policy=policy)
    if result.points > 0:
        _ledger_move(card_id=card.pk, wallet=receipt.side, kind=EntryKind.EARN, delta=result.points, refuse_code="R-PTS-6",
                     reference=f"{receipt.side}:{receipt.number}", receipt=receipt)
    return result


def receipt_points_compute(*, receipt: Receipt, card: Card, lines: list[rules.LineFacts],
                           policy: rules.PolicyValues) -> rules.PointsResult:
    """What the receipt earns (R-PTS-1..5, R-VIP-9), without writing."""
    birthday = rules.is_birthday(birthday=card.member.birthday, day=receipt.business_date)
    return rules.receipt_points(side=receipt.side, lines=lines, tier=card.tier, birthday=birthday, policy=policy)


@dataclass(frozen=True)
class CardSettled:
    """The card after one receipt: its balances (the feed's `member_balance`) and whether it was upgraded."""

    dept_points: int
    market_points: int
    stored_value: Decimal
    upgraded: bool = False


def receipt_card_settle(*, receipt: Receipt, card: Card, points: int, policy: rules.PolicyValues, user=None,
                        now: dt.datetime | None = None) -> CardSettled:
    """Everything one stored receipt does to its card, inside the ingest transaction, in one statement:
    the earned points onto the side's wallet (R-PTS-1..5), the stored-value payment (R-RBT-4: never below
    zero), the member's year spend (R-VIP-4); their ledger lines in one insert; then the gold → platinum
    upgrade only when the year spend has reached the threshold (R-VIP-4).

    `UPDATE … RETURNING` locks the card row until commit (two tills crediting one card queue there, so
    ledger lines and balances stay in order, R-PTS-6). No row back: the card is no longer active, or
    its stored value does not cover the receipt (read again only then, for the refusal)."""
    now = now or timezone.now()
    year = receipt.business_date.year
    spend = Decimal("0.00")
    if receipt.payment_method == PaymentMethod.STORED_VALUE:
        spend = quantize(receipt.total)
        if spend <= 0:
            raise RuleViolation(_("Spend a positive amount."), code="R-RBT-4", fields={"amount": ["> 0"]})
    dept = points if receipt.side == Wallet.DEPT else 0
    market = points if receipt.side == Wallet.MARKET else 0
    table = Card._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET dept_points = dept_points + %s, market_points = market_points + %s, "  # noqa: S608
            "stored_value = stored_value - %s, "
            "year_spend = CASE WHEN year_spend_year = %s THEN year_spend + %s ELSE year_spend END "
            "WHERE id = %s AND status = %s AND stored_value >= %s "
            "RETURNING dept_points, market_points, stored_value, year_spend, year_spend_year, tier",
            [dept, market, spend, year, receipt.total, card.pk, CardStatus.ACTIVE, spend])
        row = cursor.fetchone()
    if row is None:
        status, stored = Card.objects.values_list("status", "stored_value").get(pk=card.pk)
        if status != CardStatus.ACTIVE:
            raise RuleViolation(_("This card is blocked or replaced."), code="card_not_usable",
                                fields={"card_number": ["not usable"]})
        raise RuleViolation(_("Not enough on the card: %(balance)s available.") % {"balance": stored}, code="R-RBT-4",
                            fields={"amount": [f"balance {stored}"]})
    new_dept, new_market, new_stored, year_spend, spend_year, tier = row
    new_stored, year_spend = _db_money(new_stored), _db_money(year_spend)
    reference = f"{receipt.side}:{receipt.number}"
    entries = []
    if points > 0:
        entries.append(PointsEntry(card_id=card.pk, wallet=receipt.side, kind=EntryKind.EARN, points=points,
                                   balance_after=new_dept if receipt.side == Wallet.DEPT else new_market,
                                   reference=reference, receipt=receipt, at=now))
    if spend > 0:
        entries.append(PointsEntry(card_id=card.pk, wallet=Wallet.STORED_VALUE, kind=EntryKind.REDEEM, amount=-spend,
                                   balance_after=new_stored, reference=reference, by=user, receipt=receipt, at=now))
    if entries:
        rows_insert(PointsEntry, entries)
    upgraded = False
    if spend_year is None or spend_year < year:
        # The year spend is not known yet (a card from before this column, or the first receipt of a new
        # year): sum the year once — this receipt included — and keep it on the card from now on.
        year_spend = selectors.member_year_spend(member=card.member, year=year)
        Card.objects.filter(pk=card.pk).update(year_spend=year_spend, year_spend_year=year)
        spend_year = year
    if spend_year == year:
        if tier == Tier.GOLD and rules.upgrade_due(tier=tier, year_spend=year_spend, policy=policy):
            upgraded = card_upgrade_check(card=card, year=year, policy=policy, spend=year_spend)
    else:  # a receipt of an earlier year (an import after New Year): judge that year as the sweep does
        upgraded = card_upgrade_check(card=card, year=year, policy=policy)
    return CardSettled(dept_points=int(new_dept), market_points=int(new_market), stored_value=new_stored,
                       upgraded=upgraded)


def stored_value_spend(*, card: Card, amount: Decimal, reference: str, user=None, receipt: Receipt | None = None) -> PointsEntry:
    """R-RBT-4: pay with the card's stored value; never below zero. Inside a transaction."""
    amount = quantize(amount)
    if amount <= 0:
        raise RuleViolation(_("Spend a positive amount."), code="R-RBT-4", fields={"amount": ["> 0"]})
    _require_active(card)
    return _ledger_move(card_id=card.pk, wallet=Wallet.STORED_VALUE, kind=EntryKind.REDEEM, delta=-amount,
                        refuse_code="R-RBT-4", reference=reference, by=user, receipt=receipt)


def stored_value_refund(*, receipt: Receipt, amount: Decimal, reference: str, user=None) -> PointsEntry | None:
    """A refund of a receipt paid with stored value goes back onto the card (R-RET-12: refund by the original
    payment method; R-RBT-4), onto the holder's current card if it was replaced since. Idempotent per
    reference. Inside the caller's transaction."""
    amount = quantize(amount)
    if amount <= 0 or not receipt.card_number:
        return None
    card = Card.objects.filter(card_number=receipt.card_number).first()
    if card is None:
        raise RuleViolation(_("Card %(c)s is unknown.") % {"c": receipt.card_number}, code="card_not_usable",
                            fields={"card_number": [receipt.card_number]})
    card = selectors.card_current(card=card)
    previous = PointsEntry.objects.filter(receipt=receipt, wallet=Wallet.STORED_VALUE, kind=EntryKind.REVERSE,
                                          reference=reference[:80]).first()
    if previous is not None:
        return previous
    return _ledger_move(card_id=card.pk, wallet=Wallet.STORED_VALUE, kind=EntryKind.REVERSE, delta=amount,
                        refuse_code="R-RBT-4", reference=reference, by=user, receipt=receipt)


def card_upgrade_check(*, card: Card, year: int, policy: rules.PolicyValues | None = None,
                       spend: Decimal | None = None) -> bool:
    """R-VIP-4: a gold member whose calendar-year spend reaches the threshold becomes platinum. `spend`:
    the year's spend when the caller knows it (the feed keeps it on the card), else it is summed here."""
    if card.tier != Tier.GOLD or card.status != CardStatus.ACTIVE:
        return False
    policy = policy or selectors.policy_at(at=timezone.now())
    if spend is None:
        spend = selectors.member_year_spend(member=card.member, year=year)
    if not rules.upgrade_due(tier=card.tier, year_spend=spend, policy=policy):
        return False
    with transaction.atomic():
        locked = Card.objects.select_for_update().get(pk=card.pk)
        if locked.tier != Tier.GOLD:
            return False
        locked.tier = Tier.PLATINUM
        locked._change_reason = "R-VIP-4"
        locked.save(update_fields=["tier", "updated_at"])
        card.tier = Tier.PLATINUM
        events.card_upgraded_event(card=locked, year_spend=spend, year=year)
        phone, number = card.member.phone, card.card_number
        transaction.on_commit(lambda: sms_send(
            phone=phone, key=f"upgrade:{number}",
            text=f"尊敬的会员，您的会员卡{number[-4:]}本年度累计消费已满{policy.upgrade_year_spend:.0f}元，已升级为白金卡。"))
    return True


@transaction.atomic
def points_adjust(*, card: Card, wallet: str, delta, reason: str, user) -> PointsEntry:
    """R-PTS-4: only a supervisor, with a written reason, changes a balance outside the till feed."""
    if not user.has_perm("members.adjust_points"):
        raise NotAllowed(_("Only a supervisor may adjust points."), code="R-PTS-4")
    if not (reason or "").strip():
        raise RuleViolation(_("Write the reason for the adjustment."), code="R-PTS-4", fields={"reason": ["required"]})
    if wallet not in WALLET_FIELD or not delta:
        raise RuleViolation(_("Choose a wallet and a non-zero change."), code="invalid", fields={"wallet": [wallet]})
    return _ledger_move(card_id=card.pk, wallet=wallet, kind=EntryKind.ADJUST, delta=delta, refuse_code="R-PTS-6",
                        reason=reason.strip(), by=user, reference="adjust")


@transaction.atomic
def points_redeem(*, card: Card, points: int, reference: str, user) -> PointsEntry:
    """R-RBT-3: dept points spent in a points-for-gift event, deducted at once."""
    if not user.has_perm("members.redeem_points"):
        raise NotAllowed(_("Your role may not redeem points."), code="R-RBT-3")
    _require_active(card)
    if int(points) <= 0:
        raise RuleViolation(_("Redeem a positive number of points."), code="R-RBT-3", fields={"points": ["> 0"]})
    return _ledger_move(card_id=card.pk, wallet=Wallet.DEPT, kind=EntryKind.REDEEM, delta=-int(points),
                        refuse_code="R-RBT-3", reference=reference or "gift", by=user)


def points_reverse_for_return(*, receipt: Receipt, returned: dict[int, int], reference: str, user) -> rules.PointsReversal:
    """Take back the points the returned quantities earned (recomputed with the policy and multipliers of
    the day the receipt was rung), at most the wallet's balance; report the shortfall."""
    wallet = receipt.side
    zero = rules.PointsReversal(wallet=wallet, points=0, reversed_points=0, shortfall_points=0)
    with transaction.atomic():
        rp = ReceiptPoints.objects.select_related("card").filter(receipt=receipt).first()
        if rp is None or rp.card is None or rp.points <= 0:
            return zero
        card = selectors.card_current(card=rp.card)
        Card.objects.select_for_update().filter(pk=card.pk).values_list("pk", flat=True).get()  # lock before reading
        previous = PointsEntry.objects.filter(receipt=receipt, kind=EntryKind.REVERSE, reference=reference[:80]).first()
        if previous is not None:  # the same return again: nothing more
            m = previous.meta
            return rules.PointsReversal(wallet=wallet, points=m["due"], reversed_points=-previous.points,
                                        shortfall_points=m["due"] + previous.points)
        _rp, due = selectors.points_reversal_due(receipt=receipt, returned=returned)
        if due <= 0:
            return zero
        balance = Card.objects.values_list(WALLET_FIELD[wallet], flat=True).get(pk=card.pk)
        taken = min(due, balance)
        _ledger_move(card_id=card.pk, wallet=wallet, kind=EntryKind.REVERSE, delta=-taken, refuse_code="R-PTS-6",
                     reference=reference, by=user, receipt=receipt,
                     meta={"returned": {str(k): int(v) for k, v in returned.items()}, "due": due})
        return rules.PointsReversal(wallet=wallet, points=due, reversed_points=taken, shortfall_points=due - taken)


@dataclass
class _CardState:
    status: str
    tier: str
    dept: int
    market: int
    stored: Decimal
    year_spend: Decimal
    year: int | None
    changed: bool = False


@cache
def _entry_makers():
    """The batch's two kinds of ledger line: points earned, stored value spent (receipts/rows.py)."""
    return (row_maker(PointsEntry, ("card_id", "wallet", "kind", "points", "balance_after", "reference", "receipt", "at")),
            row_maker(PointsEntry, ("card_id", "wallet", "kind", "amount", "balance_after", "reference", "by", "receipt",
                                    "at")))


def receipts_card_settle_many(*, items: list[tuple[Receipt, Card, int]], user=None,
                              now: dt.datetime | None = None) -> list[CardSettled]:
    """The batch feed's receipt_card_settle for many receipts (issue 16), in their order, with one locking
    read of the cards, one UPDATE of them, one INSERT of the ledger lines: each receipt gets the balances
    it would have got posted alone. Anything the single path does in more than its one statement (a
    stored-value shortfall or a card no longer active — a refusal —, a year spend still to sum, an
    upgrade due, a receipt of another year) is per card: every such card is named in one BatchFallback, and
    the caller rolls back, settles the other cards' receipts as a set again and those cards' receipts one by
    one (receipt_card_settle), which answers exactly as before. An upgrade due on a card's last receipt of
    the batch is made after the set (nothing later in the batch earns at the new tier)."""
    from servicedesk.extensions import BatchFallback

    now = now or timezone.now()
    ids = sorted({card.pk for _r, card, _p in items})
    if not ids:
        return []
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:  # locked in id order: two batches never wait on each other in a cycle
        cursor.execute(f"SELECT id, status, tier, dept_points, market_points, stored_value, year_spend, "  # noqa: S608
                       f"year_spend_year FROM {quote(Card._meta.db_table)} WHERE id IN ({', '.join(['%s'] * len(ids))}) "
                       f"ORDER BY id{lock}", ids)
        states = {row[0]: _CardState(row[1], row[2], int(row[3]), int(row[4]), _db_money(row[5]), _db_money(row[6]),
                                     row[7]) for row in cursor.fetchall()}
    entries, settled, upgrades = [], [], []
    earn, redeem = _entry_makers()
    last = {card.pk: n for n, (_r, card, _p) in enumerate(items)}  # each card's last receipt in the batch
    alone: set[int] = set()  # cards the single path must settle (each reason below), named all at once
    for n, (receipt, card, points) in enumerate(items):
        if card.pk in alone:
            continue
        state = states.get(card.pk)
        if state is None or state.status != CardStatus.ACTIVE:
            alone.add(card.pk)  # no longer active: the single path refuses it as it would alone
            continue
        year = receipt.business_date.year
        if state.year != year:
            alone.add(card.pk)  # the year's spend to sum first (R-VIP-4)
            continue
        spend = quantize(receipt.total) if receipt.payment_method == PaymentMethod.STORED_VALUE else Decimal("0.00")
        if receipt.payment_method == PaymentMethod.STORED_VALUE and (spend <= 0 or state.stored < spend):
            alone.add(card.pk)  # stored value refused (R-RBT-4): the single path answers the refusal
            continue
        state.year_spend += quantize(receipt.total)
        policy = selectors.policy_at(at=receipt.rung_at)
        if state.tier == Tier.GOLD and rules.upgrade_due(tier=state.tier, year_spend=state.year_spend, policy=policy):
            if last[card.pk] != n:  # a later receipt of the card would earn at the new tier: one by one
                alone.add(card.pk)
                continue
            # R-VIP-4 on the card's last receipt of the batch: upgraded after the set, as the single path does
            upgrades.append((card, year, policy, state.year_spend))
        state.changed = True
        reference = f"{receipt.side}:{receipt.number}"
        if points > 0:
            if receipt.side == Wallet.DEPT:
                state.dept += points
            else:
                state.market += points
            entries.append(earn(card.pk, receipt.side, EntryKind.EARN, points,
                                state.dept if receipt.side == Wallet.DEPT else state.market, reference, receipt, now))
        if spend > 0:
            state.stored -= spend
            entries.append(redeem(card.pk, Wallet.STORED_VALUE, EntryKind.REDEEM, -spend, state.stored, reference,
                                  user, receipt, now))
        settled.append(CardSettled(dept_points=state.dept, market_points=state.market, stored_value=state.stored))
    if alone:
        raise BatchFallback("cards for the single path", cards=frozenset(alone))
    changed = [(pk, s) for pk, s in states.items() if s.changed]
    if changed and connection.vendor == "postgresql" and len(changed) >= ROWSET_FROM:  # one JSON parameter
        columns = ("dept_points", "market_points", "stored_value", "year_spend")
        values = rowset_values([Card._meta.get_field(c) for c in columns], start=1)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(Card._meta.db_table)} c SET "  # noqa: S608
                           + ", ".join(f"{quote(c)} = {v}" for c, v in zip(columns, values, strict=True))
                           + " FROM jsonb_array_elements(%s::jsonb) AS r WHERE c.id = (r->>0)::bigint",
                           [rowset_param([[pk, s.dept, s.market, s.stored, s.year_spend] for pk, s in changed])])
    elif changed:
        sets, params = [], []
        for column, attr in (("dept_points", "dept"), ("market_points", "market"), ("stored_value", "stored"),
                             ("year_spend", "year_spend")):
            sets.append(f"{quote(column)} = CASE id " + " ".join(["WHEN %s THEN %s"] * len(changed)) + " END")
            params += [v for pk, s in changed for v in (pk, getattr(s, attr))]
        params += [pk for pk, _s in changed]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(Card._meta.db_table)} SET {', '.join(sets)} "  # noqa: S608
                           f"WHERE id IN ({', '.join(['%s'] * len(changed))})", params)
    if entries:
        rows_insert(PointsEntry, entries)
    for card, year, policy, year_spend in upgrades:
        card_upgrade_check(card=card, year=year, policy=policy, spend=year_spend)
    return settled
