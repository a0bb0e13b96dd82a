"""Members services: card stock and numbers, vouchers, card replacement (R-CARD-1..3, R-RBT-2)."""


from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.numbering import number_next
from servicedesk.selectors import users_with_perm

from .. import events, rules, selectors
from ..choices import CardStatus, EntryKind, ReplaceReason, Wallet
from ..models import (
    Card,
    CardReplacement,
    CardStock,
    CardStockEntry,
    PointsEntry,
    Voucher,
)
from .ledger import (
    _ledger_move,
    _require_active,
)


@transaction.atomic
def card_stock_receive(*, quantity: int, user, reason: str = "") -> CardStock:
    if quantity <= 0:
        raise RuleViolation(_("Receive a positive number of blank cards."), code="R-CARD-3", fields={"quantity": ["> 0"]})
    stock, _created = CardStock.objects.select_for_update().get_or_create(pk=1)
    CardStock.objects.filter(pk=1).update(on_hand=F("on_hand") + quantity)
    CardStockEntry.objects.create(change=quantity, balance_after=stock.on_hand + quantity, by=user,
                                  reason=reason or _("Blank cards received"))
    stock.refresh_from_db()
    if not rules.card_stock_low(on_hand=stock.on_hand, policy=selectors.policy_at(at=timezone.now())):
        from servicedesk.services import notifications_close

        # R-CARD-3: enough blank cards again: the low-stock warnings are done
        notifications_close(key_prefix="card-stock-low:", reason=_("%(n)s blank cards received") % {"n": quantity})
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
        transaction.on_commit(lambda: card_stock_check(today=timezone.localdate()), robust=True)
    return f"88{number:011d}", left


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
