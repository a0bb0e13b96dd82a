from rest_framework import serializers

from members.models import ReceiptPoints
from receipts.choices import Category, PaymentMethod, Side
from receipts.models import Receipt, ReceiptLine


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


class ReceiptLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceiptLine
        fields = ["line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity",
                  "bulk_discount", "fresh"]


class ReceiptSerializer(serializers.ModelSerializer):
    lines = ReceiptLineSerializer(many=True, read_only=True)
    points_earned = serializers.SerializerMethodField()
    points_explanation = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = ["id", "side", "number", "rung_at", "business_date", "card_number", "payment_method", "total", "source",
                  "lines", "points_earned", "points_explanation"]

    def _points(self, obj):
        try:
            return obj.points
        except ReceiptPoints.DoesNotExist:
            return None

    def get_points_earned(self, obj) -> int:
        rp = self._points(obj)
        return rp.points if rp else 0

    def get_points_explanation(self, obj) -> dict | None:
        rp = self._points(obj)
        return rp.explanation if rp else None


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
