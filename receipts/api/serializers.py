from rest_framework import serializers

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


_RECEIPT_FIELDS = ReceiptInSerializer._declared_fields
_LINE_FIELDS = ReceiptLineInSerializer._declared_fields
_MISSING = object()


def _fast_fields(data, fields, skip=()) -> dict | None:
    out = {}
    for name, field in fields.items():
        if name in skip:
            continue
        value = data.get(name, _MISSING)
        if value is _MISSING:
            if field.required:
                return None
            out[name] = field.default
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
        out = _fast_fields(data, _RECEIPT_FIELDS, skip=("lines",))
        if out is None:
            return None
        parsed = [_fast_fields(line, _LINE_FIELDS) for line in lines]
        if any(line is None for line in parsed):
            return None
        out["lines"] = parsed
        return out
    except (serializers.ValidationError, TypeError, ValueError, AttributeError):
        return None


class ReceiptBatchInSerializer(serializers.Serializer):
    """`POST /api/v1/receipts/batch/`: each item is validated on its own (ReceiptInSerializer), so one bad
    receipt is answered 400 in its place and never refuses the batch."""

    receipts = serializers.ListField(child=serializers.JSONField(), allow_empty=True, max_length=BATCH_MAX)


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
