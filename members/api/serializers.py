from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from members.choices import IdType, QualificationKind, ReplaceReason, Tier, Wallet
from members.models import PointsEntry
from receipts.api.serializers import ReceiptLineInSerializer
from receipts.choices import Side


class ReceiptKeySerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    number = serializers.CharField(max_length=40)


class QualificationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QualificationKind.choices)
    receipts = ReceiptKeySerializer(many=True, required=False, default=list)
    legacy_card_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class EnrolSerializer(serializers.Serializer):
    """POST /api/v1/members/ (R-VIP-1,2,3,5,6). Field checks of R-VIP-6 run in the service (code R-VIP-6)."""

    name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    phone = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")
    address = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    id_type = serializers.CharField(max_length=20, required=False, default=IdType.ID_CARD)
    id_number = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    birthday = serializers.DateField(required=False, allow_null=True, default=None)
    tier = serializers.ChoiceField(choices=Tier.choices)
    qualification = QualificationSerializer()


class LedgerEntrySerializer(serializers.ModelSerializer):
    balance_after = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()

    class Meta:
        model = PointsEntry
        fields = ["at", "wallet", "kind", "points", "amount", "balance_after", "reference", "by"]

    @extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
    def get_balance_after(self, obj):
        """Points wallets: an integer; stored value: money as a string."""
        if obj.wallet == Wallet.STORED_VALUE:
            return f"{obj.balance_after:.2f}"
        return int(obj.balance_after)

    def get_by(self, obj) -> str | None:
        return obj.by.username if obj.by_id else None


class VoucherInSerializer(serializers.Serializer):
    points = serializers.IntegerField(min_value=1, max_value=100_000_000)


class ReplaceInSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReplaceReason.choices)
    id_number = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")


class AdjustInSerializer(serializers.Serializer):
    wallet = serializers.ChoiceField(choices=Wallet.choices)
    points = serializers.IntegerField(required=False, default=0, min_value=-100_000_000, max_value=100_000_000)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, default=0)
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RedeemInSerializer(serializers.Serializer):
    points = serializers.IntegerField(min_value=1, max_value=100_000_000)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class QuoteSerializer(serializers.Serializer):
    card_number = serializers.CharField(max_length=32)
    lines = ReceiptLineInSerializer(many=True, allow_empty=False)
