"""Writers for HandoverEvent: one per event type, called inside the service's transaction."""

from .choices import HandoverEventType
from .models import HandoverEntry, HandoverEvent


def handover_written_event(*, entry: HandoverEntry, user, carried: int, closed: int) -> HandoverEvent:
    return HandoverEvent.objects.create(
        entry=entry, type=HandoverEventType.WRITTEN, user=user,
        parameters={"carried_items": carried, "closed_items": closed, "new_items": entry.items.count() - carried},
    )


def handover_acknowledged_event(*, entry: HandoverEntry, user) -> HandoverEvent:
    return HandoverEvent.objects.create(entry=entry, type=HandoverEventType.ACKNOWLEDGED, user=user)


def handover_item_closed_event(*, entry: HandoverEntry, user, item_id: int) -> HandoverEvent:
    return HandoverEvent.objects.create(
        entry=entry, type=HandoverEventType.ITEM_CLOSED, user=user, parameters={"item": item_id}
    )
