"""State changes of members/: enrolment, points (earn, reverse, redeem, adjust), vouchers, stored value,
card replacement and stock, the annual rebate, scheduled member jobs. Every balance move goes through
`_ledger_move`: row lock on the card, ledger entry with balance_after, F() update (R-PTS-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from receipts.models import Receipt
from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.money import quantize
from servicedesk.numbering import number_next
from servicedesk.selectors import users_with_perm

from . import events, rules, selectors
from .choices import CardStatus, EntryKind, IdType, QualificationKind, RebateRunStatus, ReplaceReason, Tier, Wallet
from .models import (
    BirthdayMailing,
    Card,
    CardReplacement,
    CardStock,
    CardStockEntry,
    Member,
    PointsEntry,
    QualificationUse,
    RebateRun,
    ReceiptPoints,
    Voucher,
)
from .sms import sms_send

WALLET_FIELD = {Wallet.DEPT: "dept_points", Wallet.MARKET: "market_points", Wallet.STORED_VALUE: "stored_value"}
TIER_RANK = {Tier.GOLD: 1, Tier.PLATINUM: 2}


def _ledger_move(*, card_id: int, wallet: str, kind: str, delta, refuse_code: str, reference: str = "",
                 reason: str = "", by=None, receipt: Receipt | None = None, meta: dict | None = None,
                 at: dt.datetime | None = None) -> PointsEntry:
    """Move one wallet of one card by `delta` (points, or yuan for stored value) and write its ledger line.
    Must run inside a transaction; the card row stays locked until it commits."""
    field = WALLET_FIELD[wallet]
    current = Card.objects.select_for_update().values_list(field, flat=True).get(pk=card_id)
    new = current + delta
    if new < 0:
        raise RuleViolation(
            _("Not enough on the card: %(balance)s available.") % {"balance": current}, code=refuse_code,
            fields={"points" if wallet != Wallet.STORED_VALUE else "amount": [f"balance {current}"]},
        )
    Card.objects.filter(pk=card_id).update(**{field: F(field) + delta})
    is_money = wallet == Wallet.STORED_VALUE
    return PointsEntry.objects.create(
        card_id=card_id, wallet=wallet, kind=kind, points=0 if is_money else int(delta),
        amount=quantize(delta) if is_money else Decimal("0.00"), balance_after=new, reference=reference[:80],
        reason=reason, by=by, receipt=receipt, meta=meta or {}, at=at or timezone.now(),
    )


def _require_active(card: Card) -> None:
    if card.status != CardStatus.ACTIVE:
        raise RuleViolation(_("This card is blocked or replaced."), code="card_not_usable",
                            fields={"card_number": ["not usable"]})


# ---------------------------------------------------------------- card stock (R-CARD-3)

@transaction.atomic
def card_stock_receive(*, quantity: int, user, reason: str = "") -> CardStock:
    if quantity <= 0:
        raise RuleViolation(_("Receive a positive number of blank cards."), code="R-CARD-3", fields={"quantity": ["> 0"]})
    stock, _created = CardStock.objects.select_for_update().get_or_create(pk=1)
    CardStock.objects.filter(pk=1).update(on_hand=F("on_hand") + quantity)
    CardStockEntry.objects.create(change=quantity, balance_after=stock.on_hand + quantity, by=user,
                                  reason=reason or _("Blank cards received"))
    stock.refresh_from_db()
    return stock


def _card_number_allocate(*, user) -> tuple[str, int]:
    """Take one blank card from stock and give it the next number (R-CARD-3); inside a transaction."""
    stock, _created = CardStock.objects.select_for_update().get_or_create(pk=1)
    if stock.on_hand <= 0:
        raise RuleViolation(_("No blank cards left in stock."), code="R-CARD-3")
    number = number_next(key="card")  # seeded from the stock's old counter (members migration 0008)
    CardStock.objects.filter(pk=1).update(on_hand=F("on_hand") - 1)
    left = stock.on_hand - 1
    if rules.card_stock_low(on_hand=left, policy=selectors.policy_at(at=timezone.now())):
        # R-CARD-3: warn the desk supervisors as soon as stock runs low (once a day; the daily job repeats it).
        transaction.on_commit(lambda: card_stock_check(today=timezone.localdate()))
    return f"88{number:011d}", left


# ---------------------------------------------------------------- enrolment (R-VIP-1,2,3,5,6)

def member_data_validate(*, name: str, phone: str, address: str, id_type: str, id_number: str) -> None:
    """R-VIP-6: required fields, mobile phone and ID-card check digit."""
    errors: dict[str, list[str]] = {}
    for key, value in (("name", name), ("phone", phone), ("address", address), ("id_number", id_number)):
        if not (value or "").strip():
            errors[key] = [_("Required (R-VIP-6).")]
    if phone and not rules.phone_valid(phone):
        errors["phone"] = [_("A mainland mobile number has 11 digits and starts with 1.")]
    if id_type not in IdType.values:
        errors["id_type"] = [_("Unknown identity document type.")]
    elif id_type == IdType.ID_CARD and id_number and not rules.id_card_valid(id_number):
        errors["id_number"] = [_("Not a valid ID card number (18 characters with a valid check digit).")]
    if errors:
        raise RuleViolation(_("The application data is incomplete or invalid."), code="R-VIP-6", fields=errors)


@transaction.atomic
def member_enrol(*, name: str, phone: str, address: str, id_type: str, id_number: str, birthday: dt.date | None,
                 tier: str, kind: str, receipts: list[tuple[str, str]] = (), legacy_card_number: str = "", user,
                 now: dt.datetime | None = None) -> Card:
    now = now or timezone.now()
    id_number = (id_number or "").strip().upper()
    member_data_validate(name=name, phone=phone, address=address, id_type=id_type, id_number=id_number)
    if tier not in TIER_RANK:
        raise RuleViolation(_("Unknown tier."), code="invalid", fields={"tier": [tier]})
    existing = Member.objects.select_for_update().filter(id_type=id_type, id_number=id_number).first()
    if existing and existing.cards.filter(status=CardStatus.ACTIVE).exists():
        raise RuleViolation(_("This person already holds an active membership card."), code="R-VIP-6",
                            fields={"id_number": [_("already a member")]})
    policy = selectors.policy_at(at=now)
    used_receipts: list[Receipt] = []
    if kind == QualificationKind.LEGACY_CARD:
        legacy_card_number = (legacy_card_number or "").strip()
        if not legacy_card_number:
            raise RuleViolation(_("Enter the old supermarket card number."), code="R-VIP-5",
                                fields={"legacy_card_number": ["required"]})
        if tier != Tier.GOLD:
            raise RuleViolation(_("A legacy supermarket card is swapped for a gold card."), code="R-VIP-5",
                                fields={"tier": [tier]})
        if Card.objects.filter(legacy_card_number=legacy_card_number).exists():
            raise RuleViolation(_("This old card was already swapped."), code="R-VIP-5",
                                fields={"legacy_card_number": ["retired"]})
    elif kind in (QualificationKind.DAILY_SPEND, QualificationKind.GROUP_PURCHASE, QualificationKind.PREPAID_CARDS):
        used_receipts = _qualifying_receipts_check(kind=kind, tier=tier, keys=list(receipts), policy=policy)
    else:
        raise RuleViolation(_("Unknown qualification."), code="invalid", fields={"qualification": [kind]})
    number, _left = _card_number_allocate(user=user)
    try:
        with transaction.atomic():
            if existing:
                member = existing
                member.name, member.phone, member.address, member.birthday = name, phone, address, birthday
                member.save()
            else:
                member = Member.objects.create(name=name, phone=phone, address=address, id_type=id_type,
                                               id_number=id_number, birthday=birthday)
            card = Card.objects.create(card_number=number, member=member, tier=tier, issued_at=now, issued_by=user,
                                       qualification_kind=kind, legacy_card_number=legacy_card_number)
            QualificationUse.objects.bulk_create([QualificationUse(card=card, receipt=r, kind=kind) for r in used_receipts])
    except IntegrityError as exc:  # the same person or receipts enrolled at another desk a moment ago
        raise RuleViolation(_("This person or these receipts were just used for another card."), code="R-VIP-6") from exc
    CardStockEntry.objects.create(change=-1, balance_after=_left, card=card, by=user, reason=_("Card issued"))
    events.card_issued_event(card=card, user=user, kind=kind, receipts=[f"{r.side}:{r.number}" for r in used_receipts])
    return card


def _qualifying_receipts_check(*, kind: str, tier: str, keys: list[tuple[str, str]], policy) -> list[Receipt]:
    code = {QualificationKind.GROUP_PURCHASE: "R-VIP-2", QualificationKind.PREPAID_CARDS: "R-VIP-3"}.get(
        kind, "R-VIP-3" if tier == Tier.PLATINUM else "R-VIP-1")
    if not keys:
        raise RuleViolation(_("Name the qualifying receipts."), code=code, fields={"receipts": ["required"]})
    found: list[Receipt] = []
    for side, number in keys:
        receipt = Receipt.objects.filter(side=side, number=number).first()
        if receipt is None:
            raise RuleViolation(_("Receipt %(n)s not found.") % {"n": number}, code=code, fields={"receipts": [number]})
        found.append(receipt)
    pks = sorted({r.pk for r in found})
    locked = list(Receipt.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len({r.business_date for r in locked}) > 1:
        raise RuleViolation(_("The receipts must be of one business day."), code=code, fields={"receipts": ["days"]})
    uses = QualificationUse.objects.filter(receipt__in=locked)
    if rules.qualification_reuse_refused(kind=kind, earlier_kinds=set(uses.values_list("kind", flat=True))):
        raise RuleViolation(_("A receipt already qualified another card."), code=code, fields={"receipts": ["used"]})
    total = sum((r.total for r in locked), Decimal("0.00"))
    result = rules.qualification_for(kind=kind, total=total, policy=policy)
    if result.tier is None or TIER_RANK[tier] > TIER_RANK[result.tier]:
        raise RuleViolation(
            _("These purchases (%(total)s) do not qualify for this card.") % {"total": f"{total:.2f}"},
            code="R-VIP-3" if tier == Tier.PLATINUM else result.rule, fields={"receipts": [f"total {total:.2f}"]},
        )
    if kind != QualificationKind.DAILY_SPEND:
        issued = uses.values("card").distinct().count()
        if issued >= result.cards:
            raise RuleViolation(_("This purchase's %(n)s card(s) are all issued.") % {"n": result.cards}, code=result.rule,
                                fields={"receipts": ["all cards issued"]})
    return locked


# ---------------------------------------------------------------- points from the till feed

def points_award_for_receipt(*, receipt: Receipt, card: Card, lines: list[rules.LineFacts],
                             policy: rules.PolicyValues | None = None) -> rules.PointsResult:
    """R-PTS-1..5, R-VIP-9: credit what the receipt earns to the side's wallet; inside the feed's transaction.
    `policy` is the policy in force when the receipt was rung (loaded here when not given)."""
    policy = policy or selectors.policy_at(at=receipt.rung_at)
    birthday = rules.is_birthday(birthday=card.member.birthday, day=receipt.business_date)
    result = rules.receipt_points(side=receipt.side, lines=lines, tier=card.tier, birthday=birthday, policy=policy)
    if result.points > 0:
        _ledger_move(card_id=card.pk, wallet=receipt.side, kind=EntryKind.EARN, delta=result.points, refuse_code="R-PTS-6",
                     reference=f"{receipt.side}:{receipt.number}", receipt=receipt)
    return result


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


def card_upgrade_check(*, card: Card, year: int, policy: rules.PolicyValues | None = None) -> bool:
    """R-VIP-4: a gold member whose calendar-year spend reaches the threshold becomes platinum."""
    if card.tier != Tier.GOLD or card.status != CardStatus.ACTIVE:
        return False
    policy = policy or selectors.policy_at(at=timezone.now())
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


# ---------------------------------------------------------------- desk operations

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


@transaction.atomic
def voucher_exchange(*, card: Card, points: int, user, now: dt.datetime | None = None) -> Voucher:
    """R-RBT-2: market points for a serial-numbered goods voucher; points deducted at once."""
    if not user.has_perm("members.redeem_points"):
        raise NotAllowed(_("Your role may not exchange points."), code="R-RBT-2")
    _require_active(card)
    now = now or timezone.now()
    value = rules.voucher_value(points=int(points), table=selectors.policy_at(at=now).vouchers)
    if value is None:
        raise RuleViolation(_("%(p)s points is not on the voucher table.") % {"p": points}, code="R-RBT-2",
                            fields={"points": [str(points)]})
    entry = _ledger_move(card_id=card.pk, wallet=Wallet.MARKET, kind=EntryKind.REDEEM, delta=-int(points),
                         refuse_code="R-RBT-2", reference="voucher", by=user, at=now)
    day = timezone.localdate(now)
    serial = f"LW{day:%Y%m%d}{number_next(key=f'LW{day:%Y%m%d}'):04d}"  # one gap-free series a day
    voucher = Voucher.objects.create(serial=serial, card=card, points=int(points), value=value, entry=entry, issued_by=user)
    PointsEntry.objects.filter(pk=entry.pk).update(reference=f"voucher:{serial}")
    return voucher


@transaction.atomic
def card_replace(*, card: Card, reason: str, id_number: str, user, now: dt.datetime | None = None) -> CardReplacement:
    """R-CARD-1 (lost: ID shown, fee, old number blocked) and R-CARD-2 (damaged: free); balances move
    to the new card through transfer entries."""
    if not user.has_perm("members.replace_card"):
        raise NotAllowed(_("Your role may not replace cards."), code="R-CARD-1")
    now = now or timezone.now()
    old = Card.objects.select_for_update().select_related("member").get(pk=card.pk)
    if old.status != CardStatus.ACTIVE:
        raise Conflict(_("This card is already blocked or replaced."), code="card_not_usable")
    if reason not in ReplaceReason.values:
        raise RuleViolation(_("Say whether the card was lost or damaged."), code="invalid", fields={"reason": [reason]})
    given = (id_number or "").strip().upper()
    rule = "R-CARD-1" if reason == ReplaceReason.LOST else "R-CARD-2"
    if (reason == ReplaceReason.LOST or given) and given != old.member.id_number.upper():
        raise RuleViolation(_("The identity document does not match the card holder."), code=rule,
                            fields={"id_number": ["mismatch"]})
    policy = selectors.policy_at(at=now)
    fee = policy.card_fee if reason == ReplaceReason.LOST else Decimal("0.00")
    number, left = _card_number_allocate(user=user)
    old.status = CardStatus.BLOCKED if reason == ReplaceReason.LOST else CardStatus.REPLACED
    old.blocked_at = now
    old._change_reason = rule
    old.save(update_fields=["status", "blocked_at", "updated_at"])
    new = Card.objects.create(card_number=number, member=old.member, tier=old.tier, issued_at=now, issued_by=user,
                              qualification_kind=old.qualification_kind)
    CardStockEntry.objects.create(change=-1, balance_after=left, card=new, by=user, reason=_("Replacement card"))
    for wallet, balance in ((Wallet.DEPT, old.dept_points), (Wallet.MARKET, old.market_points),
                            (Wallet.STORED_VALUE, old.stored_value)):
        if balance:
            _ledger_move(card_id=old.pk, wallet=wallet, kind=EntryKind.TRANSFER_OUT, delta=-balance, refuse_code=rule,
                         reference=f"card:{new.card_number}", by=user, at=now)
            _ledger_move(card_id=new.pk, wallet=wallet, kind=EntryKind.TRANSFER_IN, delta=balance, refuse_code=rule,
                         reference=f"card:{old.card_number}", by=user, at=now)
    events.card_replaced_event(card=old, new_card=new, reason=reason, user=user)
    return CardReplacement.objects.create(old_card=old, new_card=new, reason=reason, fee=fee, by=user)


# ---------------------------------------------------------------- interface for returns/

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


# ---------------------------------------------------------------- annual rebate (R-RBT-1)

def annual_rebate_run(*, year: int, chunk_size: int = 5000, now: dt.datetime | None = None,
                      max_chunks: int | None = None) -> RebateRun:
    """Settle every card's dept points for `year`: one RebateRun per year (idempotent), cards in pk order
    in chunks, each chunk one transaction that also moves the checkpoint (resumable after a crash)."""
    now = now or timezone.now()
    with transaction.atomic():
        run = RebateRun.objects.select_for_update().filter(year=year).first()
        if run is None:
            close = timezone.make_aware(dt.datetime(year, 12, 31, 23, 59, 59))
            run = RebateRun.objects.create(year=year, policy_id=selectors.policy_row_at(at=min(now, close)).pk, started_at=now)
    if run.status == RebateRunStatus.DONE:
        return run
    policy = selectors.policy_at(at=run.policy.effective_from)
    reference = f"rebate:{year}"
    done_chunks = 0
    while max_chunks is None or done_chunks < max_chunks:
        with transaction.atomic():
            run = RebateRun.objects.select_for_update().get(pk=run.pk)
            if run.status == RebateRunStatus.DONE:
                return run
            if connection.vendor == "postgresql":
                settled = _rebate_chunk_sql(checkpoint=run.checkpoint_pk, size=chunk_size, policy=policy,
                                            reference=reference, now=now)
            else:
                settled = _rebate_chunk_orm(checkpoint=run.checkpoint_pk, size=chunk_size, policy=policy,
                                            reference=reference, now=now)
            if settled is None:
                run.status, run.finished_at = RebateRunStatus.DONE, timezone.now()
                run.save(update_fields=["status", "finished_at"])
                return run
            hi, count, cleared, rebated, total = settled
            run.checkpoint_pk = hi
            run.cards += count
            run.cleared += cleared
            run.rebated += rebated
            run.total += total
            run.save(update_fields=["checkpoint_pk", "cards", "cleared", "rebated", "total"])
        done_chunks += 1
    return run


def _rebate_chunk_orm(*, checkpoint: int, size: int, policy, reference: str, now):
    """One chunk of cards (pk order, locked): clear entries + rebate entries in bulk, balances in two UPDATEs."""
    rows = list(Card.objects.select_for_update().filter(pk__gt=checkpoint).order_by("pk")
                .values_list("pk", "dept_points", "stored_value")[:size])
    if not rows:
        return None
    entries: list[PointsEntry] = []
    credits: dict[int, Decimal] = {}
    cleared = rebated = 0
    total = Decimal("0.00")
    for pk, points, stored in rows:
        if points <= 0:
            continue
        rebate = rules.rebate_for_points(points=points, brackets=policy.rebate_brackets)
        entries.append(PointsEntry(card_id=pk, wallet=Wallet.DEPT, kind=EntryKind.CLEAR, points=-points,
                                   balance_after=0, reference=reference, at=now, meta={"rule": "R-RBT-1"}))
        if rebate > 0:
            entries.append(PointsEntry(card_id=pk, wallet=Wallet.STORED_VALUE, kind=EntryKind.REBATE, amount=rebate,
                                       balance_after=stored + rebate, reference=reference, at=now,
                                       meta={"rule": "R-RBT-1", "points": points}))
            credits[pk] = rebate
            rebated += 1
            total += rebate
        else:
            cleared += 1
    PointsEntry.objects.bulk_create(entries, batch_size=2000)
    lo, hi = rows[0][0], rows[-1][0]
    Card.objects.filter(pk__gte=lo, pk__lte=hi, dept_points__gt=0).update(dept_points=0)
    items = list(credits.items())
    for i in range(0, len(items), 500):
        part = items[i:i + 500]
        Card.objects.filter(pk__in=[pk for pk, _a in part]).update(
            stored_value=F("stored_value") + Case(*[When(pk=pk, then=Value(a)) for pk, a in part],
                                                  default=Value(Decimal("0.00"))))
    return hi, len(rows), cleared, rebated, total


def _rebate_chunk_sql(*, checkpoint: int, size: int, policy, reference: str, now):
    """The same chunk as `_rebate_chunk_orm`, set-based on PostgreSQL: INSERT … SELECT for the ledger and one
    UPDATE … FROM for the balances. The bracket (R-RBT-1 policy rows) is a CASE; round() on numeric is half-up
    for these positive amounts, as `rules.rebate_for_points`."""
    brackets = sorted(policy.rebate_brackets, reverse=True)
    case = "CASE " + " ".join("WHEN c.dept_points >= %s THEN %s::numeric" for _b in brackets) + " ELSE 0 END"
    case_params = [v for min_points, pct in brackets for v in (min_points, pct)]
    rebate = f"round(c.dept_points * ({case}) / 100, 2)"
    where = "c.id > %s AND c.id <= %s AND c.dept_points > 0"
    cols = "card_id, wallet, kind, points, amount, balance_after, reference, reason, meta, at"
    # Only the constant fragments above are formatted into the SQL; every value is a parameter.
    sql_totals = (f"SELECT count(*) FILTER (WHERE r = 0), count(*) FILTER (WHERE r > 0), coalesce(sum(r), 0) "  # noqa: S608
                  f"FROM (SELECT {rebate} AS r FROM members_card c WHERE {where}) s")
    sql_clear = (f"INSERT INTO members_pointsentry ({cols}) "  # noqa: S608
                 f"SELECT c.id, 'dept', 'clear', -c.dept_points, 0, 0, %s, '', '{{\"rule\": \"R-RBT-1\"}}'::jsonb, %s "
                 f"FROM members_card c WHERE {where} ORDER BY c.id")
    sql_rebate = (f"INSERT INTO members_pointsentry ({cols}) "  # noqa: S608
                  "SELECT id, 'stored_value', 'rebate', 0, r, stored_value + r, %s, '', "
                  "jsonb_build_object('rule', 'R-RBT-1', 'points', dept_points), %s "
                  f"FROM (SELECT c.id, c.stored_value, c.dept_points, {rebate} AS r FROM members_card c WHERE {where}) s "
                  "WHERE r > 0 ORDER BY id")
    sql_update = f"UPDATE members_card c SET stored_value = c.stored_value + {rebate}, dept_points = 0 WHERE {where}"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute("SELECT max(id), count(*) FROM (SELECT id FROM members_card WHERE id > %s ORDER BY id LIMIT %s "
                    "FOR UPDATE) s", [checkpoint, size])
        hi, count = cur.fetchone()
        if not count:
            return None
        cur.execute(sql_totals, [*case_params, checkpoint, hi])
        cleared, rebated, total = cur.fetchone()
        cur.execute(sql_clear, [reference, now, checkpoint, hi])
        cur.execute(sql_rebate, [reference, now, *case_params, checkpoint, hi])
        cur.execute(sql_update, [*case_params, checkpoint, hi])
    return hi, count, cleared, rebated, Decimal(total)


# ---------------------------------------------------------------- scheduled jobs

def _birthday_filter(day: dt.date):
    from django.db.models import Q

    condition = Q(member__birthday__month=day.month, member__birthday__day=day.day)
    if day.month == 2 and day.day == 28 and not (day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)):
        condition |= Q(member__birthday__month=2, member__birthday__day=29)
    return condition


def birthday_greetings_send(*, day: dt.date) -> int:
    """R-VIP-9: a greeting SMS on the birthday morning; once per card per year (idempotent by key)."""
    sent = 0
    cards = Card.objects.filter(_birthday_filter(day), status=CardStatus.ACTIVE).select_related("member")
    for card in cards.iterator(chunk_size=2000):
        if sms_send(phone=card.member.phone, key=f"birthday:{card.card_number}:{day.year}",
                    text=f"{card.member.name}您好：佳洁商场祝您生日快乐！今日凭会员卡购物享"
                         f"{'三' if card.tier == Tier.PLATINUM else '双'}倍积分，并可到服务台领取生日礼品一份。"):
            sent += 1
    return sent


def birthday_mailing_list_build(*, today: dt.date) -> int:
    """R-VIP-9: members with ≥ the policy's points whose birthday is N days ahead go on the mailing list."""
    policy = selectors.policy_at(at=timezone.now())
    target = today + dt.timedelta(days=policy.birthday_card_days_ahead)
    added = 0
    cards = Card.objects.filter(_birthday_filter(target), status=CardStatus.ACTIVE,
                                dept_points__gte=policy.birthday_card_min_points)
    for card in cards.iterator(chunk_size=2000):
        _obj, created = BirthdayMailing.objects.get_or_create(
            card=card, year=target.year, defaults={"birthday": target, "dept_points": card.dept_points})
        added += int(created)
    return added


def upgrade_checks_run(*, year: int) -> int:
    """R-VIP-4 sweep: gold cards whose year's receipts reach the threshold (the feed also checks on each receipt)."""
    policy = selectors.policy_at(at=timezone.now())
    numbers = (Receipt.objects.filter(business_date__year=year).exclude(card_number="").values("card_number")
               .annotate(s=Sum("total")).filter(s__gte=policy.upgrade_year_spend).values_list("card_number", flat=True))
    upgraded = 0
    cards = Card.objects.filter(card_number__in=list(numbers), tier=Tier.GOLD, status=CardStatus.ACTIVE)
    for card in cards.select_related("member"):
        upgraded += int(card_upgrade_check(card=card, year=year))
    return upgraded


def card_stock_check(*, today: dt.date) -> bool:
    """R-CARD-3: warn the desk supervisors (once a day) when blank card stock runs low."""
    from django.urls import reverse

    from servicedesk.services import notification_send

    policy = selectors.policy_at(at=timezone.now())
    stock = CardStock.objects.filter(pk=1).first()
    on_hand = stock.on_hand if stock else 0
    if not rules.card_stock_low(on_hand=on_hand, policy=policy):
        return False
    url = reverse("admin:members_cardstock_changelist")
    for user in users_with_perm("members.change_cardstock"):  # the desk supervisors, by permission
        notification_send(recipient=user, title=_("Blank VIP cards running low: %(n)s left") % {"n": on_hand},
                          body=_("Order more blank cards (threshold %(t)s).") % {"t": policy.card_stock_threshold},
                          url=url, key=f"card-stock-low:{today}")
    return True
