"""Shapes of the gifts API (api-contract.md, Gifts). Business checks live in gifts.services."""

from decimal import Decimal

from rest_framework import serializers

from receipts.choices import Side

from ..choices import StocktakePeriod
from ..models import GiftStockEntry


class ItemInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=100)
    unit_value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.00"))


class CampaignInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=150)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    side = serializers.ChoiceField(choices=Side.choices)
    categories = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list,
                                       max_length=50)
    min_spend = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.00"))
    gift_item = serializers.CharField(max_length=30)
    quantity = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=1)
    owner_department = serializers.CharField(max_length=30, required=False, allow_null=True, allow_blank=True,
                                             default=None)


class VouchersInSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=1000)


class DeliveryInSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=30)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    note_number = serializers.CharField(max_length=40)
    delivered_by = serializers.CharField(max_length=100)


class GiftReceiptKeySerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    number = serializers.CharField(max_length=40)


class IssueInSerializer(serializers.Serializer):
    campaign = serializers.CharField(max_length=30)
    receipt = GiftReceiptKeySerializer(required=False, allow_null=True, default=None)
    voucher_serial = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True,
                                           default=None)

    def validate(self, data):
        if not data.get("receipt") and not data.get("voucher_serial"):
            raise serializers.ValidationError({"receipt": ["give a receipt or a voucher_serial"]})
        return data


class BirthdayInSerializer(serializers.Serializer):
    card_number = serializers.CharField(max_length=32)
    id_number = serializers.CharField(max_length=40)
    item = serializers.CharField(max_length=30)


class StocktakeInSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=30)
    counted = serializers.IntegerField(min_value=0, max_value=10_000_000)
    period = serializers.ChoiceField(choices=StocktakePeriod.choices)


class ExplainInSerializer(serializers.Serializer):
    explanation = serializers.CharField(max_length=2000)


class GiftLedgerEntrySerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = GiftStockEntry
        fields = ["at", "kind", "quantity", "balance_after", "reference", "by"]

    def get_by(self, obj) -> str | None:
        return obj.by.username if obj.by_id else None


# Response shapes (what the views answer; documented in the OpenAPI schema, checked by the fuzz run).

class ItemOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit_value = serializers.CharField(help_text="Money: a string with two decimals.")
    on_hand = serializers.IntegerField()


class CampaignOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    side = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    min_spend = serializers.CharField(help_text="Money: a string with two decimals.")
    gift_item = serializers.CharField()
    quantity = serializers.IntegerField()
    owner_department = serializers.CharField(allow_null=True)
    status = serializers.CharField()


class CampaignCreatedSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()


class VouchersOutSerializer(serializers.Serializer):
    serials = serializers.ListField(child=serializers.CharField())
    batch = serializers.IntegerField()


class ReturnedLineSerializer(serializers.Serializer):
    item = serializers.CharField()
    quantity = serializers.IntegerField()


class CampaignClosedSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    returned = ReturnedLineSerializer(many=True)


class VoucherOutSerializer(serializers.Serializer):
    serial = serializers.CharField()
    campaign = serializers.CharField()
    status = serializers.CharField()


class StockMoveOutSerializer(serializers.Serializer):
    """A delivery received or a birthday gift issued: the stock move and the balance after it."""

    id = serializers.IntegerField()
    item = serializers.CharField()
    quantity = serializers.IntegerField()
    balance_after = serializers.IntegerField()


class DeliveryOutSerializer(StockMoveOutSerializer):
    note_number = serializers.CharField()
    delivered_by = serializers.CharField()
    counted_by = serializers.CharField()
    received_at = serializers.DateTimeField()


class IssueOutSerializer(StockMoveOutSerializer):
    campaign = serializers.CharField(allow_null=True)


class StocktakeOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.CharField()
    period = serializers.CharField()
    expected = serializers.IntegerField()
    counted = serializers.IntegerField()
    variance = serializers.IntegerField()
    status = serializers.CharField()


class ExplainedOutSerializer(serializers.Serializer):
    status = serializers.CharField()
    id = serializers.IntegerField()
    variance = serializers.IntegerField()
