"""Serializers of the desk services API (api-contract.md, "Desk services"): input shape only; the rules are
in desk.services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from receipts.models import Receipt

from ..choices import DeliveryStatus, EnquiryChannel, EnquiryTopic, LostKind
from ..models import (
    BagStorage,
    Brand,
    DeliveryRequest,
    DepositEntry,
    DeskReport,
    Enquiry,
    GiftWrap,
    LostProperty,
    SupplyEntry,
    SupplyItem,
    SupplyStocktake,
    UmbrellaLoan,
)


class ReceiptRefField(serializers.Serializer):
    side = serializers.CharField(max_length=10)
    number = serializers.CharField(max_length=40)


def _receipt(value):
    if not value:
        return None
    receipt = Receipt.objects.filter(side=value["side"], number=value["number"]).first()
    if receipt is None:
        raise serializers.ValidationError(_("Unknown receipt."), code="R-DESK-3")
    return receipt


class EnquiryCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=EnquiryChannel.choices)
    topic = serializers.ChoiceField(choices=EnquiryTopic.choices)
    question = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    answer = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EnquirySerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Enquiry
        fields = ["id", "at", "channel", "topic", "question", "answer", "by"]
        read_only_fields = fields


class BrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["brand", "floor", "counter", "category", "phone"]
        extra_kwargs = {"brand": {"validators": []}}  # an existing brand is updated (the season's floor plan)


class LoanCreateSerializer(serializers.Serializer):
    umbrella = serializers.CharField(max_length=20)
    customer_name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30)
    deposit = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True, default=None,
                                       min_value=0)


class LoanSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = UmbrellaLoan
        fields = ["id", "umbrella", "customer_name", "phone", "deposit", "status", "lent_at", "due_at", "forfeit_at",
                  "closed_at", "overdue"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        now = self.context.get("now")
        return bool(now and obj.status == "out" and obj.due_at <= now)


class DepositEntrySerializer(serializers.ModelSerializer):
    umbrella = serializers.CharField(source="loan.umbrella", read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DepositEntry
        fields = ["at", "loan", "umbrella", "kind", "amount", "cash", "held_change", "by"]
        read_only_fields = fields


class CashCountSerializer(serializers.Serializer):
    counted = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SupplyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplyItem
        fields = ["code", "name", "kind", "unit", "on_hand", "low_at", "active"]
        read_only_fields = ["on_hand"]


class SupplyMoveSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SupplyEntrySerializer(serializers.ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SupplyEntry
        fields = ["id", "at", "item", "kind", "quantity", "balance_after", "note", "by"]
        read_only_fields = fields


class StocktakeCreateSerializer(serializers.Serializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=SupplyItem.objects.all())
    counted = serializers.IntegerField(min_value=0, max_value=1000000)
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-11"})
class MonthField(serializers.DateField):
    """A month shown as 2026-11 (the stocktake month is kept as its first day)."""


class StocktakeSerializer(serializers.ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = MonthField(format="%Y-%m", read_only=True)

    class Meta:
        model = SupplyStocktake
        fields = ["id", "item", "month", "expected", "counted", "variance", "note", "at"]
        read_only_fields = fields


class GiftWrapCreateSerializer(serializers.Serializer):
    card_number = serializers.CharField(max_length=32)
    items = serializers.IntegerField(min_value=1, max_value=100, default=1)
    receipt = ReceiptRefField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_receipt(self, value):
        return _receipt(value)


class GiftWrapSerializer(serializers.ModelSerializer):
    card_number = serializers.CharField(source="card.card_number", read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = GiftWrap
        fields = ["id", "at", "card_number", "items", "note", "by"]
        read_only_fields = fields


class DeliveryCreateSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30)
    address = serializers.CharField(max_length=300)
    goods = serializers.CharField(max_length=2000)
    receipt = ReceiptRefField(required=False, allow_null=True, default=None)
    wanted_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_receipt(self, value):
        return _receipt(value)


class DeliveryMoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    scheduled_for = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DeliverySerializer(serializers.ModelSerializer):
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryRequest
        fields = ["id", "customer_name", "phone", "address", "goods", "receipt", "wanted_on", "status", "scheduled_for",
                  "delivered_at", "note", "created_at"]
        read_only_fields = fields

    def get_receipt(self, obj) -> dict | None:
        return {"side": obj.receipt.side, "number": obj.receipt.number} if obj.receipt_id else None


class LostCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    found_where = serializers.CharField(max_length=200)
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    found_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=LostKind.choices, required=False, default=LostKind.FOUND_ITEM)
    holding_place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    announce = serializers.BooleanField(required=False, allow_null=True, default=None)
    announcement = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LostClaimSerializer(serializers.Serializer):
    claimant_name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=30)


class LostDisposeSerializer(serializers.Serializer):
    disposal = serializers.CharField(max_length=300)


class LostSerializer(serializers.ModelSerializer):
    claimant_id_number = serializers.SerializerMethodField()
    claimant_phone = serializers.SerializerMethodField()

    class Meta:
        model = LostProperty
        fields = ["number", "kind", "description", "found_where", "found_at", "found_by", "holding_place", "status",
                  "registered_at", "dispose_after", "pa_insert", "claimant_name", "claimant_id_number", "claimant_phone",
                  "claimed_at", "disposed_at", "disposal"]
        read_only_fields = fields

    def get_claimant_id_number(self, obj) -> str:
        return obj.masked_claimant_id  # R-VIP-7: the API never shows a claimant's full ID number

    def get_claimant_phone(self, obj) -> str:
        return obj.masked_claimant_phone


class BagCreateSerializer(serializers.Serializer):
    tag = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BagSerializer(serializers.ModelSerializer):
    class Meta:
        model = BagStorage
        fields = ["id", "tag", "description", "status", "stored_at", "returned_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeskReport
        fields = ["kind", "period", "prepared_at", "data"]
        read_only_fields = fields
