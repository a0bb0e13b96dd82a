"""Times as the store reads them: a stored (UTC) moment shown in store time, so an object's name in the
admin (inline headers, history, choice lists) never shows UTC beside local times."""

import datetime as dt

from django.utils import timezone


def store_time(value: dt.datetime | dt.date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(fmt)
