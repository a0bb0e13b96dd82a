from rest_framework import serializers

from receipts.choices import Side
from servicedesk.money import money_str

from .. import rules
from ..models import Invoice, InvoiceBook, InvoiceLoss


def _money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class BookInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    first_number = serializers.RegexField(r"^[0-9]{1,20}$", max_length=20)
    count = serializers.IntegerField(min_value=1, max_value=100_000)
    face_limit = _money(min_value=0)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BookSerializer(serializers.ModelSerializer):
    """A book with its ledger (R-INV-1): received / used / voided / lost / remaining, kept current."""

    used = serializers.IntegerField(read_only=True)
    remaining = serializers.IntegerField(read_only=True)
    next_number = serializers.CharField(read_only=True, allow_null=True)
    received_by = serializers.CharField(source="received_by.get_username", read_only=True)
    voided = serializers.IntegerField(source="voided_count", read_only=True)
    lost = serializers.IntegerField(source="lost_count", read_only=True)

    class Meta:
        model = InvoiceBook
        fields = ["code", "first_number", "last_number", "next_number", "used", "remaining", "face_limit", "status",
                  "count", "voided", "lost", "received_by", "received_at"]


class InvoiceReceiptRefSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    number = serializers.CharField(max_length=40)


class InvoiceInputSerializer(serializers.Serializer):
    receipts = InvoiceReceiptRefSerializer(many=True, allow_empty=False)
    buyer = serializers.CharField(max_length=200)
    tax_id = serializers.CharField(max_length=30, required=False, allow_null=True, allow_blank=True, default=None)
    amount = _money(required=False, allow_null=True, default=None)
    book = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True, default=None)

    def service_kwargs(self) -> dict:
        d = self.validated_data
        return {"receipts": [(r["side"], r["number"].strip()) for r in d["receipts"]], "buyer": d["buyer"],
                "tax_id": d.get("tax_id"), "amount": d.get("amount"), "book": d.get("book") or None}


class InvoiceSerializer(serializers.ModelSerializer):
    book = serializers.CharField(source="book.code", read_only=True)
    receipts = serializers.SerializerMethodField()
    issued_by = serializers.CharField(source="issued_by.get_username", read_only=True)
    voided_by = serializers.CharField(source="voided_by.get_username", read_only=True, default=None, allow_null=True)
    stub_handed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Invoice
        fields = ["number", "book", "amount", "receipts", "remarks", "buyer", "tax_id", "issued_by", "issued_at",
                  "status", "voided_by", "voided_at", "void_reason", "stub_handed_at"]

    def get_receipts(self, obj) -> list[dict]:
        return [{"side": p.receipt.side, "number": p.receipt.number, "amount": money_str(p.amount)}
                for p in obj.receipt_parts.all()]


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class LossInputSerializer(serializers.Serializer):
    book = serializers.CharField(max_length=40)
    numbers = serializers.ListField(child=serializers.CharField(max_length=20), allow_empty=False, max_length=1000)
    reason = serializers.CharField(max_length=2000)


class LossSerializer(serializers.ModelSerializer):
    book = serializers.CharField(source="book.code", read_only=True)
    reported_by = serializers.CharField(source="reported_by.get_username", read_only=True)
    signed_by = serializers.CharField(source="signed_by.get_username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = InvoiceLoss
        fields = ["id", "book", "numbers", "blank", "face_limit", "amount", "notice_due", "status", "reason",
                  "reported_by", "reported_at", "signed_by", "signed_at", "published_on", "publication", "escalated_at"]


class NoticeSerializer(serializers.Serializer):
    published_on = serializers.DateField()
    publication = serializers.CharField(max_length=200)


class RegisterQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
    format = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")

    def validate_month(self, value: str) -> str:
        # The pattern lets through months the register cannot run on (year 0000 → a 500 before, issue 9).
        if rules.parse_month(value) is None:
            raise serializers.ValidationError("Use YYYY-MM.")
        return value
