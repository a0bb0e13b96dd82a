"""Writers for LostPropertyEvent, called inside the service's transaction."""

from .models import LostProperty, LostPropertyEvent


def lost_property_event(*, entry: LostProperty, type: str, user, **parameters) -> LostPropertyEvent:
    return LostPropertyEvent.objects.create(entry=entry, type=type, user=user, parameters=parameters)
