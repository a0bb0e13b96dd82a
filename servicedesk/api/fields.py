"""The one place input values are checked for what the database can hold and the store can mean.

- `validate_db_datetime`: an aware time whose UTC offset PostgreSQL cannot store (beyond ±15:59) or
  that leaves the calendar once converted to UTC is refused (it used to end in a `DataError` or an
  `OverflowError`, i.e. a 500). Applied to every date-time filter by `DeskFilterBackend`, and by the
  serializer fields below.
- `validate_store_date`: a store date (receipts, complaints, broadcast days, periods) outside
  `DESK_DATE_MIN_YEAR` … today's year + `DESK_DATE_MAX_YEARS_AHEAD` is refused (issue 9, item 7).

`StoreDateTimeField` / `StoreDateField` are DRF fields with both checks, for serializers of store dates.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

# PostgreSQL's timestamptz input accepts offsets up to 15:59 either way.
MAX_DB_OFFSET = dt.timedelta(hours=15, minutes=59)


def store_year_range(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return int(settings.DESK_DATE_MIN_YEAR), today.year + int(settings.DESK_DATE_MAX_YEARS_AHEAD)


def validate_db_datetime(value) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        return
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_DB_OFFSET:
        raise DjangoValidationError(_("A UTC offset must lie between -15:59 and +15:59."), code="out_of_range")
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise DjangoValidationError(_("This time is outside the calendar."), code="out_of_range")


def validate_store_date(value) -> None:
    if value is None:
        return
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) and value.tzinfo else (
        value.date() if isinstance(value, dt.datetime) else value)
    first, last = store_year_range()
    if not first <= day.year <= last:
        raise DjangoValidationError(
            _("Use a date between the years %(first)s and %(last)s.") % {"first": first, "last": last}, code="out_of_range")


def _as_drf(validator):
    def run(value):
        try:
            validator(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code="out_of_range")

    return run


class StoreDateTimeField(serializers.DateTimeField):
    """A store time (ISO 8601 with offset; without one it is read in the store's zone)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [*self.validators, _as_drf(validate_db_datetime), _as_drf(validate_store_date)]


class StoreDateField(serializers.DateField):
    """A store date (YYYY-MM-DD) inside the sane range."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [*self.validators, _as_drf(validate_store_date)]
