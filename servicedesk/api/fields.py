"""The one place input values are checked for what the database can hold and the store can mean.

- `validate_db_datetime`: an aware time whose UTC offset PostgreSQL cannot store (beyond ±15:59) or
  that leaves the calendar once converted to UTC is refused (it used to end in a `DataError` or an
  `OverflowError`, i.e. a 500). Applied to every date-time filter by `DeskFilterBackend`, and by the
  serializer fields below.
- `validate_store_date`: a store date (receipts, complaints, broadcast days, periods) outside
  `DESK_DATE_MIN_YEAR` … today's year + `DESK_DATE_MAX_YEARS_AHEAD` is refused (issue 9, item 7).

Every DRF DateTimeField and DateField of the API applies both (installed once by
`install_strict_json_types`); a date that is not a store date (a birthday) opts out with
`store_date = False` on its field class.
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
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
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
    store = timezone.get_default_timezone()  # the store's calendar, whoever asks
    day = timezone.localtime(value, store).date() if isinstance(value, dt.datetime) and value.tzinfo else (
        value.date() if isinstance(value, dt.datetime) else value)
    first, last = store_year_range()
    if not first <= day.year <= last:
        raise DjangoValidationError(
            _("Use a date between the years %(first)s and %(last)s.") % {"first": first, "last": last}, code="out_of_range")


def _as_drf(validator, value) -> None:
    try:
        validator(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages, code="out_of_range")


# ---------------------------------------------------------------- JSON types are what the schema says

def install_strict_json_types() -> None:
    """The API takes JSON only, and a JSON value must have the type the OpenAPI schema gives its field
    (issue 9: schema = behaviour). DRF's fields are lenient by default — `{"draft": 0}` passes as a string,
    `"5"` as an integer, `"yes"` as a boolean, `12.5` as money — so the schema would lie. Installed once for
    every serializer, old and new, by servicedesk.apps:
      text (CharField and its kin) → a JSON string; integers → a JSON integer (not a boolean);
      booleans → true/false; money and other decimals → a JSON string (the contract: "1234.50");
      dates and times → a string, inside the store's years (validate_store_date) and storable.
    """
    if getattr(serializers.Field, "_desk_strict", False):
        return
    checks = (
        (serializers.CharField, lambda data: isinstance(data, str)),
        (serializers.IntegerField, lambda data: isinstance(data, int) and not isinstance(data, bool)),
        (serializers.BooleanField, lambda data: isinstance(data, bool)),
        (serializers.DecimalField, lambda data: isinstance(data, str)),
        (serializers.ChoiceField, lambda data: isinstance(data, str)),
        (serializers.DateTimeField, lambda data: isinstance(data, str)),
        (serializers.DateField, lambda data: isinstance(data, str)),
    )
    for field_class, accepts in checks:
        original = field_class.to_internal_value

        def strict(self, data, _original=original, _accepts=accepts):
            if not _accepts(data):
                self.fail("invalid" if "invalid" in self.error_messages else "invalid_choice", input=data,
                          format="ISO 8601")
            value = _original(self, data)
            if isinstance(self, serializers.DateTimeField | serializers.DateField):
                if isinstance(self, serializers.DateTimeField):
                    _as_drf(validate_db_datetime, value)
                if getattr(self, "store_date", True):
                    _as_drf(validate_store_date, value)
            return value

        field_class.to_internal_value = strict
    original_serializer = serializers.Serializer.to_internal_value

    def no_unknown_keys_in_patch(self, data):
        # A PATCH names the fields it changes: a key the form does not have (a typo) is refused, not
        # silently ignored (the schema says additionalProperties: false for PATCH bodies).
        if self.partial and self.parent is None and isinstance(data, dict):
            unknown = sorted(set(data) - {name for name, field in self.fields.items() if not field.read_only})
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown}, code="invalid")
        return original_serializer(self, data)

    serializers.Serializer.to_internal_value = no_unknown_keys_in_patch
    serializers.Field._desk_strict = True
