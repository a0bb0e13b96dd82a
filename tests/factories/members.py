import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from members.models import Card, CardStock, Member


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"王芳{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    address = "北京市朝阳区建国路88号"
    id_type = "passport"
    id_number = factory.Sequence(lambda n: f"E{n:08d}")
    birthday = dt.date(1990, 5, 17)


class CardFactory(factory.django.DjangoModelFactory):
    """A card with balances set directly (a fixture shortcut); use `card_with_balance` to go through the ledger."""

    class Meta:
        model = Card

    card_number = factory.Sequence(lambda n: f"89{n:011d}")
    member = factory.SubFactory(MemberFactory)
    tier = "gold"
    status = "active"
    issued_at = factory.LazyFunction(timezone.now)


def card_with_balance(*, dept: int = 0, market: int = 0, stored: Decimal = Decimal("0.00"), **kwargs) -> Card:
    """A card whose balances come from ledger entries (so verify_ledgers stays clean)."""
    from members.choices import EntryKind, Wallet
    from members.services import _ledger_move

    card = CardFactory(**kwargs)
    from django.db import transaction

    with transaction.atomic():
        for wallet, delta in ((Wallet.DEPT, dept), (Wallet.MARKET, market), (Wallet.STORED_VALUE, stored)):
            if delta:
                _ledger_move(card_id=card.pk, wallet=wallet, kind=EntryKind.ADJUST, delta=delta, refuse_code="test",
                             reason="test fixture")
    card.refresh_from_db()
    return card


def stock_cards(quantity: int = 500) -> CardStock:
    stock, _ = CardStock.objects.get_or_create(pk=1)
    CardStock.objects.filter(pk=1).update(on_hand=quantity)
    stock.refresh_from_db()
    return stock
