"""Serializers of the complaints API (api-contract.md, Complaints)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from receipts.models import Receipt

from .. import rules
from ..choices import Channel, ComplaintType, DissatisfiedOutcome, Satisfaction, Temperament
from ..models import Complaint, ComplaintEvent, Department, FollowUp, ReplyPhrase, SupplierContact


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "feedback_hours"]


class ComplaintReceiptRefSerializer(serializers.Serializer):
    side = serializers.CharField()
    number = serializers.CharField()


class ComplaintCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    customer_name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30)
    type = serializers.ChoiceField(choices=ComplaintType.choices)
    cause = serializers.CharField()
    request = serializers.CharField(required=False, allow_blank=True, default="")
    specialist_opinion = serializers.CharField(required=False, allow_blank=True, default="")
    serious = serializers.BooleanField(required=False, default=False)
    consumer_association = serializers.BooleanField(required=False, default=False)
    product_safety = serializers.BooleanField(required=False, default=False)
    temperament = serializers.ChoiceField(choices=Temperament.choices, required=False, allow_blank=True, default="")
    card_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    receipt = ComplaintReceiptRefSerializer(required=False, allow_null=True, default=None)

    def validate_receipt(self, value):
        if not value:
            return None
        receipt = Receipt.objects.filter(side=value["side"], number=value["number"]).first()
        if receipt is None:
            raise serializers.ValidationError(_("Unknown receipt."), code="R-CMP-1")
        return receipt


class ComplaintRecordSerializer(serializers.Serializer):
    """PATCH: complete or correct the record form (R-CMP-1); every field optional."""

    customer_name = serializers.CharField(max_length=100, required=False)
    phone = serializers.CharField(max_length=30, required=False)
    card_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=ComplaintType.choices, required=False)
    cause = serializers.CharField(required=False)
    request = serializers.CharField(required=False, allow_blank=True)
    specialist_opinion = serializers.CharField(required=False, allow_blank=True)
    serious = serializers.BooleanField(required=False)
    consumer_association = serializers.BooleanField(required=False)
    product_safety = serializers.BooleanField(required=False)
    temperament = serializers.ChoiceField(choices=Temperament.choices, required=False, allow_blank=True)


class ComplaintCreatedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = ["number", "status", "route_by"]


class RouteSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), required=False,
                                              allow_null=True, default=None)
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    reply = serializers.CharField(required=False, allow_blank=True, default="")
    # R-CMP-6: a reply with a never-use phrase is refused (400 R-CMP-6) unless the sender confirms it
    confirm_flagged = serializers.BooleanField(required=False, default=False)
    # (department required when valid, R-CMP-2, and a reply when not, R-CMP-3: the service decides)


class FeedbackSerializer(serializers.Serializer):
    investigation = serializers.CharField()
    result = serializers.CharField()
    proposed_handling = serializers.CharField()


class InstructionSerializer(serializers.Serializer):
    instruction = serializers.CharField(required=False, allow_blank=True, default="")


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField()
    confirm_flagged = serializers.BooleanField(required=False, default=False)  # R-CMP-6, as for route


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class FollowUpInputSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    outcome = serializers.ChoiceField(choices=DissatisfiedOutcome.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.ModelSerializer):
    called_by = serializers.StringRelatedField()

    class Meta:
        model = FollowUp
        fields = ["called_at", "satisfaction", "outcome", "note", "called_by"]


class SupplierContactSerializer(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField(read_only=True)
    contacted_at = serializers.DateTimeField(required=False)

    class Meta:
        model = SupplierContact
        fields = ["id", "supplier", "contact_person", "contact_phone", "contacted_at", "goods_taken_back", "summary",
                  "recorded_by", "created_at"]
        read_only_fields = ["id", "recorded_by", "created_at"]


class ComplaintEventSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = ComplaintEvent
        fields = ["created_at", "type", "from_status", "to_status", "note", "parameters", "user"]


class ComplaintSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    receipt = serializers.SerializerMethodField()
    recorded_by = serializers.StringRelatedField()
    allowed_actions = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "number", "status", "channel", "received_at", "customer_name", "phone", "card_number", "receipt", "type",
            "cause", "request", "specialist_opinion", "recorded_by", "serious", "consumer_association", "product_safety",
            "temperament", "route_by", "routed_at", "valid", "department", "feedback_by", "escalation_level",
            "escalated_at", "reply", "investigation", "result", "proposed_handling", "answered_at",
            "approval_instruction", "approved_at", "customer_notified_at", "carried_out_at", "carried_out_note",
            "satisfaction", "closed_at", "reopen_count", "allowed_actions",
        ]

    @extend_schema_field(ComplaintReceiptRefSerializer(allow_null=True))
    def get_receipt(self, obj):
        return {"side": obj.receipt.side, "number": obj.receipt.number} if obj.receipt_id else None

    def get_phone(self, obj) -> str:
        """Masked (138****5678) unless the view put the user's unmasked numbers in the context (logged)."""
        return self.context.get("phones", {}).get(obj.pk) or obj.masked_phone

    def get_allowed_actions(self, obj) -> list[str]:
        return rules.allowed_actions(obj.status)


class ReplyPhraseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplyPhrase
        fields = ["id", "scene", "text"]


class DraftCheckSerializer(serializers.Serializer):
    draft = serializers.CharField(allow_blank=True)


class DraftHitSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.CharField()
    instead = serializers.CharField()
    position = serializers.IntegerField()


class DraftCheckResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    hits = DraftHitSerializer(many=True)
