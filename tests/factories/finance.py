"""Finance test helpers: ledger entries dated in a chosen month, written through members' one writer
(`_ledger_move`, which calls the period guard) so the balances stay equal to their ledgers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from finance.rules import previous_month


def last_month() -> dt.date:
    return previous_month(timezone.localdate())


def at_in(month: dt.date, day: int = 10, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(month.replace(day=day), dt.time(hour)))


def move(card, wallet: str, kind: str, delta, *, at: dt.datetime, reference: str = "test", by=None):
    from members.services import _ledger_move

    with transaction.atomic():
        return _ledger_move(card_id=card.pk, wallet=wallet, kind=kind,
                            delta=Decimal(delta) if wallet == "stored_value" else int(delta), refuse_code="test",
                            reference=reference, by=by, at=at)
