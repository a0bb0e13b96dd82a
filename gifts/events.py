"""Writers for GiftEvent, one per event type, called inside the service's transaction."""

from __future__ import annotations

from .choices import GiftEventType
from .models import GiftEvent


def campaign_created_event(*, campaign, user) -> GiftEvent:
    return GiftEvent.objects.create(type=GiftEventType.CAMPAIGN_CREATED, campaign=campaign, user=user,
                                    parameters={"min_spend": f"{campaign.min_spend:.2f}", "item": campaign.gift_item.code})


def vouchers_printed_event(*, campaign, batch, user) -> GiftEvent:
    return GiftEvent.objects.create(type=GiftEventType.VOUCHERS_PRINTED, campaign=campaign, user=user,
                                    parameters={"count": batch.count, "first": batch.first_serial,
                                                "last": batch.last_serial})


def campaign_closed_event(*, campaign, user, returned: list[dict]) -> GiftEvent:
    return GiftEvent.objects.create(type=GiftEventType.CAMPAIGN_CLOSED, campaign=campaign, user=user,
                                    parameters={"rule": "R-GIFT-6", "returned": returned})


def stocktake_counted_event(*, stocktake, user) -> GiftEvent:
    return GiftEvent.objects.create(type=GiftEventType.STOCKTAKE_COUNTED, stocktake=stocktake, user=user,
                                    parameters={"expected": stocktake.expected, "counted": stocktake.counted,
                                                "variance": stocktake.variance})


def variance_explained_event(*, stocktake, user) -> GiftEvent:
    return GiftEvent.objects.create(type=GiftEventType.VARIANCE_EXPLAINED, stocktake=stocktake, user=user,
                                    parameters={"rule": "R-GIFT-7", "variance": stocktake.variance})


def gift_clawed_back_event(*, issue, user, reference: str) -> GiftEvent:
    return GiftEvent.objects.create(type=GiftEventType.GIFT_CLAWED_BACK, issue=issue, campaign=issue.campaign, user=user,
                                    parameters={"rule": "R-RET-13", "slip": reference, "kind": issue.clawback_kind,
                                                "amount": f"{issue.clawback_amount:.2f}"})
