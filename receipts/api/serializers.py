import re
from decimal import Decimal

from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from receipts.choices import Category, PaymentMethod, Side
from receipts.models import Receipt, ReceiptLine
from servicedesk.extensions import facts_for_receipts


def _money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, **kwargs)


class ReceiptLineInSerializer(serializers.Serializer):
    line_no = serializers.IntegerField(min_value=1, max_value=9999)
    sku = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    counter = serializers.CharField(max_length=40)
    category = serializers.ChoiceField(choices=Category.choices)
    list_price = _money()
    unit_price = _money()
    quantity = serializers.IntegerField(min_value=1, max_value=99999)
    bulk_discount = serializers.BooleanField(required=False, default=False)
    fresh = serializers.BooleanField(required=False, default=False)


class ReceiptInSerializer(serializers.Serializer):
    """The till feed's receipt (api-contract.md, Receipts)."""

    side = serializers.ChoiceField(choices=Side.choices)
    number = serializers.CharField(max_length=40)
    rung_at = serializers.DateTimeField()
    card_number = serializers.CharField(max_length=32, allow_null=True, allow_blank=True, required=False, default=None)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    lines = ReceiptLineInSerializer(many=True, allow_empty=False)
    total = _money()


BATCH_MAX = 500  # api-contract.md: a batch carries at most 500 receipts (a protocol limit, not a business number)


_MISSING = object()
_DECLINE = object()
_STOCK_VALIDATORS = (MaxLengthValidator, MinValueValidator, MaxValueValidator, ProhibitNullCharactersValidator,
                     ProhibitSurrogateCharactersValidator)


def _text_check(field):
    limit, blank, null = field.max_length, field.allow_blank, field.allow_null

    def check(value):
        if type(value) is not str:
            return None if value is None and null else _DECLINE
        if not value:
            return "" if blank else _DECLINE
        if len(value) > limit or value[0].isspace() or value[-1].isspace() or "\x00" in value:
            return _DECLINE  # blank after trimming, too long, or a NUL: the field says which
        if not value.isascii():
            try:
                value.encode()  # a lone surrogate cannot be stored (ProhibitSurrogateCharactersValidator)
            except UnicodeEncodeError:
                return _DECLINE
        return value

    return check


def _integer_check(field):
    low, high = field.min_value, field.max_value

    def check(value):
        return value if type(value) is int and low <= value <= high else _DECLINE

    return check


def _choice_check(field):
    values = field.choice_strings_to_values
    return lambda value: values.get(value, _DECLINE) if type(value) is str else _DECLINE


def _money_check(field):
    plain = re.compile(rf"[0-9]{{1,{field.max_digits - field.decimal_places}}}\.[0-9]{{{field.decimal_places}}}")
    return lambda value: Decimal(value) if type(value) is str and plain.fullmatch(value) else _DECLINE


def _bool_check(field):
    return lambda value: value if type(value) is bool else _DECLINE


def _fast_check(field):
    """A check that takes a plain value exactly as `field.run_validation` would (the same value back), and
    answers _DECLINE for anything else, which the field itself then judges: the feed validates a receipt's
    27 values without DRF's per-field machinery (issue 16: a fifth of a batch's time). Only for the stock
    fields with the stock validators the till feed's serializers use; any other field is run as it is."""
    if any(type(v) not in _STOCK_VALIDATORS for v in field.validators):
        return None
    if type(field) is serializers.CharField and field.trim_whitespace and field.max_length and not field.min_length:
        return _text_check(field)
    if type(field) is serializers.IntegerField and field.min_value is not None and field.max_value is not None:
        return _integer_check(field)
    if type(field) is serializers.ChoiceField and not field.allow_blank and not field.allow_null:
        return _choice_check(field)
    if (type(field) is serializers.DecimalField and field.max_digits and field.decimal_places
            and field.min_value in (None, 0) and field.max_value is None and not field.allow_null):
        return _money_check(field)
    if type(field) is serializers.BooleanField and not field.allow_null:
        return _bool_check(field)
    return None


def _checks(fields, skip=()) -> list:
    out = []
    for name, field in fields.items():
        if name not in skip:
            out.append((name, field, _fast_check(field)))
    return out


_RECEIPT_CHECKS = _checks(ReceiptInSerializer._declared_fields, skip=("lines",))
_LINE_CHECKS = _checks(ReceiptLineInSerializer._declared_fields)


def _fast_fields(data, checks) -> dict | None:
    out = {}
    for name, field, check in checks:
        value = data.get(name, _MISSING)
        if value is _MISSING:
            if field.required:
                return None
            out[name] = field.default
            continue
        if check is not None:
            checked = check(value)
            if checked is not _DECLINE:
                out[name] = checked
                continue
        out[name] = field.run_validation(value)  # the serializer's own field: the same value, or ValidationError
    return out


def receipt_in_validated(data) -> dict | None:
    """The till feed's lean validation (issue 16): a well-formed receipt is checked field by field with the
    very fields of ReceiptInSerializer (so the values are the same), without building a serializer and
    deep-copying its nineteen fields per receipt. Anything unusual — a missing field, a wrong type, an
    invalid value — answers None, and the caller runs ReceiptInSerializer, whose error the client gets."""
    try:
        if type(data) is not dict:
            return None
        lines = data.get("lines")
        if type(lines) is not list or not lines or any(type(line) is not dict for line in lines):
            return None
        out = _fast_fields(data, _RECEIPT_CHECKS)
        if out is None:
            return None
        parsed = [_fast_fields(line, _LINE_CHECKS) for line in lines]
        if any(line is None for line in parsed):
            return None
        out["lines"] = parsed
        return out
    except (serializers.ValidationError, TypeError, ValueError, AttributeError):
        return None


@extend_schema_field(OpenApiTypes.ANY)  # as JSONField's: any item is accepted here and answered in its place
class DecodedJSONField(serializers.Field):
    """A value of the decoded JSON body, taken as it is: the parser made it from JSON (servicedesk/api/parsers.py),
    so DRF's JSONField, which encodes each value again to prove it can be, would only repeat the work (issue 16:
    500 receipts a batch). Each item is then validated by ReceiptInSerializer (a list or a string is answered
    400 in its place, not for the whole batch — so the schema must not promise an object)."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ReceiptBatchInSerializer(serializers.Serializer):
    """`POST /api/v1/receipts/batch/`: each item is validated on its own (ReceiptInSerializer), so one bad
    receipt is answered 400 in its place and never refuses the batch."""

    receipts = serializers.ListField(child=DecodedJSONField(), allow_empty=True, max_length=BATCH_MAX)


class ReceiptLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceiptLine
        fields = ["line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity",
                  "bulk_discount", "fresh"]


class ReceiptListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        receipts = list(data.all() if hasattr(data, "all") else data)
        self.child.context["receipt_facts"] = facts_for_receipts(receipts)  # one call per page, not per receipt
        return super().to_representation(receipts)


class ReceiptSerializer(serializers.ModelSerializer):
    """A stored receipt, with what the other apps know of it (servicedesk.extensions.receipt_facts: points
    earned and why, invoice numbers, gifts…)."""

    lines = ReceiptLineSerializer(many=True, read_only=True)

    class Meta:
        model = Receipt
        fields = ["id", "side", "number", "rung_at", "business_date", "card_number", "payment_method", "total", "source",
                  "lines"]
        list_serializer_class = ReceiptListSerializer

    def to_representation(self, instance):
        body = super().to_representation(instance)
        facts = self.context.get("receipt_facts")
        if facts is None or instance.pk not in facts:
            facts = facts_for_receipts([instance])
        body.update(facts.get(instance.pk, {}))
        return body


class MemberBalanceSerializer(serializers.Serializer):
    dept_points = serializers.IntegerField()
    market_points = serializers.IntegerField()
    stored_value = serializers.DecimalField(max_digits=12, decimal_places=2)


class ReceiptIngestedSerializer(serializers.Serializer):
    """The till feed's answer (api-contract.md): 201 the first time, 200 with the same body for a repost."""

    side = serializers.ChoiceField(choices=Side.choices)
    number = serializers.CharField()
    points_earned = serializers.IntegerField()
    wallet = serializers.ChoiceField(choices=Side.choices)
    card_number = serializers.CharField(allow_null=True)
    member_balance = MemberBalanceSerializer(allow_null=True)
