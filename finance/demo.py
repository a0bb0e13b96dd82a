"""Demo data of finance: last month's corrections on the demo cards (written through members' one ledger
writer, dated in last month, so the month page and its exports have a month to show and close)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from .rules import previous_month


def load(*, stdout) -> None:
    from members.choices import EntryKind, Wallet
    from members.models import Card, PointsEntry
    from members.services import _ledger_move

    last = previous_month(timezone.localdate())
    if PointsEntry.objects.filter(reference__startswith="demo-fin:").exists():
        return
    supervisor = get_user_model().objects.get(username="desk_supervisor")
    cards = list(Card.objects.filter(status="active").order_by("pk")[:8])
    written = 0
    for n, card in enumerate(cards):
        for day, wallet, delta in ((3 + n, Wallet.DEPT, 120 + 35 * n), (12 + n, Wallet.MARKET, 40 + 10 * n),
                                   (20 + n % 7, Wallet.STORED_VALUE, 50 * (n + 1))):
            at = timezone.make_aware(dt.datetime.combine(last.replace(day=day), dt.time(10 + n, 15)))
            _ledger_move(card_id=card.pk, wallet=wallet, kind=EntryKind.ADJUST, delta=delta, refuse_code="demo",
                         reason="上月补录（演示）", by=supervisor, reference=f"demo-fin:{last:%Y%m}-{n}", at=at)
            written += 1
    stdout.write(f"finance: {written} ledger entries dated {last:%Y-%m} (the month to close)")
