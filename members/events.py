"""Writers for CardEvent, called inside the service's transaction."""

from .choices import CardEventType
from .models import Card, CardEvent


def card_issued_event(*, card: Card, user, kind: str, receipts: list[str]) -> CardEvent:
    return CardEvent.objects.create(card=card, type=CardEventType.ISSUED, user=user,
                                    parameters={"qualification": kind, "receipts": receipts, "tier": card.tier})


def card_upgraded_event(*, card: Card, year_spend, year: int) -> CardEvent:
    return CardEvent.objects.create(card=card, type=CardEventType.UPGRADED,
                                    parameters={"rule": "R-VIP-4", "year": year, "year_spend": f"{year_spend:.2f}"})


def card_replaced_event(*, card: Card, new_card: Card, reason: str, user) -> CardEvent:
    return CardEvent.objects.create(card=card, type=CardEventType.REPLACED, user=user,
                                    parameters={"new_card": new_card.card_number, "reason": reason})
