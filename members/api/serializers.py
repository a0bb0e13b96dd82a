from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from members.choices import IdType, QualificationKind, ReplaceReason, Tier, Wallet
from members.models import PointsEntry, validate_birthday
from receipts.api.serializers import ReceiptLineInSerializer
from receipts.choices import Side


class ReceiptKeySerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    number = serializers.CharField(max_length=40)


class QualificationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QualificationKind.choices)
    receipts = ReceiptKeySerializer(many=True, required=False, default=list)
    legacy_card_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class BirthdayField(serializers.DateField):
    """A birthday is not a store date (servicedesk.api.fields): its own check is validate_birthday."""

    store_date = False


class EnrolSerializer(serializers.Serializer):
    """POST /api/v1/members/ (R-VIP-1,2,3,5,6). Field checks of R-VIP-6 run in the service (code R-VIP-6)."""

    name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    phone = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")
    address = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    id_type = serializers.CharField(max_length=20, required=False, default=IdType.ID_CARD)
    id_number = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    birthday = BirthdayField(required=False, allow_null=True, default=None, validators=[validate_birthday])
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


class EnrolResultSerializer(serializers.Serializer):
    card_number = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    status = serializers.CharField()
    issued_at = serializers.DateTimeField()


class MemberCardSerializer(serializers.Serializer):
    """`GET /members/{card_number}/` (phone masked, R-VIP-7)."""

    card_number = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    status = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField()
    dept_points = serializers.IntegerField()
    market_points = serializers.IntegerField()
    stored_value = serializers.DecimalField(max_digits=12, decimal_places=2)
    year_spend = serializers.DecimalField(max_digits=14, decimal_places=2)
    birthday = BirthdayField(allow_null=True)


class VoucherResultSerializer(serializers.Serializer):
    serial = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    market_points = serializers.IntegerField()


class ReplaceResultSerializer(serializers.Serializer):
    old_card_number = serializers.CharField()
    card_number = serializers.CharField()
    fee = serializers.DecimalField(max_digits=12, decimal_places=2)


class QuoteLineResultSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    special_price = serializers.BooleanField()
    factor = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    member_unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    rule = serializers.CharField()


class QuoteResultSerializer(serializers.Serializer):
    card_number = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    lines = QuoteLineResultSerializer(many=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


class CardStockInSerializer(serializers.Serializer):
    """`POST /api/v1/card-stock/` (R-CARD-3): blank cards received."""

    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CardStockSerializer(serializers.Serializer):
    on_hand = serializers.IntegerField()
    threshold = serializers.IntegerField()
    low = serializers.BooleanField()
