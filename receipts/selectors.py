from __future__ import annotations

from django.db.models import QuerySet

from .models import Receipt


def receipt_get(*, side: str, number: str) -> Receipt | None:
    return Receipt.objects.filter(side=side, number=number).prefetch_related("lines").first()


def receipts_for_card(*, card_number: str, limit: int = 20) -> QuerySet[Receipt]:
    return Receipt.objects.filter(card_number=card_number).order_by("-rung_at")[:limit]
