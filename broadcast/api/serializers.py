from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import rules
from ..choices import InsertKind, LogKind, ScriptKind
from ..models import (
    AirLogEntry,
    BoothHandover,
    BroadcastPolicy,
    EquipmentMaintenance,
    InsertTemplate,
    PlanItem,
    PlanVersion,
    Promotion,
    Script,
    ScriptEvent,
    UrgentInsert,
)

HHMM = ["%H:%M", "%H:%M:%S"]


class Username(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "08:00",
                     "description": "HH:MM, store time"})
class HHMMField(serializers.TimeField):
    """A time answered as HH:MM (not an RFC 3339 `time`, which needs seconds)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", HHMM)
        super().__init__(**kwargs)


def _in_range(value):
    """A time whose store day is one a sheet can be built for (rules.day_in_range)."""
    if not rules.day_in_range(timezone.localdate(value)):
        raise serializers.ValidationError(f"Between {rules.FIRST_DAY} and {rules.LAST_DAY}.")
    return value


class HoursInputSerializer(serializers.Serializer):
    opening = serializers.TimeField(input_formats=HHMM)
    closing = serializers.TimeField(input_formats=HHMM)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ScriptEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="user.username", default=None, allow_null=True)

    class Meta:
        model = ScriptEvent
        fields = ["type", "parameters", "by", "created_at"]


class ScriptSerializer(serializers.ModelSerializer):
    author = Username(allow_null=True)
    reviewed_by = Username(allow_null=True)

    class Meta:
        model = Script
        fields = ["id", "title", "kind", "text", "status", "author", "submitted_at", "reviewed_by", "reviewed_at",
                  "rejection_reason", "created_at", "updated_at"]
        read_only_fields = fields


class ScriptDetailSerializer(ScriptSerializer):
    events = ScriptEventSerializer(many=True, read_only=True)

    class Meta(ScriptSerializer.Meta):
        fields = [*ScriptSerializer.Meta.fields, "events"]
        read_only_fields = fields


class ScriptInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=20000)
    kind = serializers.ChoiceField(choices=ScriptKind.choices)


class ScriptPatchSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False)
    text = serializers.CharField(max_length=20000, required=False)
    kind = serializers.ChoiceField(choices=ScriptKind.choices, required=False)


class ScriptRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class PromotionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    script = serializers.PrimaryKeyRelatedField(queryset=Script.objects.all())
    starts_at = serializers.DateTimeField(validators=[_in_range])
    ends_at = serializers.DateTimeField(validators=[_in_range])
    every_minutes = serializers.IntegerField(min_value=1, max_value=1440)


class PromotionSerializer(serializers.ModelSerializer):
    created_by = Username()

    class Meta:
        model = Promotion
        fields = ["id", "title", "script", "starts_at", "ends_at", "every_minutes", "active", "created_by",
                  "created_at"]
        read_only_fields = fields


class InsertInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InsertKind.choices)
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    source_ref = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class UrgentInsertSerializer(serializers.ModelSerializer):
    raised_by = Username()
    aired_by = Username(allow_null=True)

    class Meta:
        model = UrgentInsert
        fields = ["id", "kind", "priority", "status", "text", "details", "source_ref", "raised_by", "raised_at",
                  "expires_at", "aired_by", "aired_at"]
        read_only_fields = fields


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LogInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LogKind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    aired_at = serializers.DateTimeField(validators=[_in_range])
    planned_at = serializers.TimeField(input_formats=HHMM, required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AirLogEntrySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username")
    planned_at = HHMMField(allow_null=True)

    class Meta:
        model = AirLogEntry
        fields = ["id", "aired_at", "kind", "title", "by", "planned_at", "insert", "promotion", "script", "note"]
        read_only_fields = fields


class BoothHandoverSerializer(serializers.ModelSerializer):
    written_by = Username()
    acknowledged_by = Username(allow_null=True)

    class Meta:
        model = BoothHandover
        fields = ["id", "shift_date", "shift", "notes", "equipment_ok", "written_by", "acknowledged_by",
                  "acknowledged_at", "created_at"]
        read_only_fields = ["id", "written_by", "acknowledged_by", "acknowledged_at", "created_at"]
        validators = []  # one note per shift: the service answers 409


class EquipmentMaintenanceSerializer(serializers.ModelSerializer):
    done_by = Username()
    done_at = serializers.DateTimeField(required=False)

    class Meta:
        model = EquipmentMaintenance
        fields = ["id", "equipment", "kind", "done_at", "description", "result", "next_due", "done_by", "created_at"]
        read_only_fields = ["id", "done_by", "created_at"]


class PlanItemSerializer(serializers.ModelSerializer):
    at = HHMMField()

    class Meta:
        model = PlanItem
        fields = ["id", "at", "title", "anchor", "script"]


class PlanVersionSerializer(serializers.ModelSerializer):
    items = PlanItemSerializer(many=True, read_only=True)
    reference_opening = HHMMField()
    reference_closing = HHMMField()

    class Meta:
        model = PlanVersion
        fields = ["id", "name", "effective_from", "effective_until", "reference_opening", "reference_closing", "note",
                  "items"]


class BroadcastPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = BroadcastPolicy
        fields = ["id", "effective_from", "promotion_every_min", "promotion_every_max", "clearance_minutes",
                  "welcome_before_opening", "closing_reminder_before_closing", "farewell_before_closing",
                  "welcome_title", "closing_reminder_title", "farewell_title", "insert_expiry_minutes",
                  "late_after_minutes", "note"]


class InsertTemplateSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="script.title")
    text = serializers.CharField(source="script.text")
    status = serializers.CharField(source="script.status")

    class Meta:
        model = InsertTemplate
        fields = ["kind", "script", "title", "text", "status"]


# ---- response shapes (for the OpenAPI schema) ------------------------------------------------------------
class DayItemSerializer(serializers.Serializer):
    at = serializers.CharField(help_text="HH:MM, store time")
    kind = serializers.ChoiceField(choices=["fixed", "moment", "promotion"])
    title = serializers.CharField()
    script = serializers.IntegerField(allow_null=True)
    promotion = serializers.IntegerField(allow_null=True)
    moved_from = serializers.CharField(allow_null=True)


class DroppedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    nominal = serializers.CharField()
    reason = serializers.ChoiceField(choices=["past_end", "outside_day"])
    promotion = serializers.IntegerField(allow_null=True)


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    opening = serializers.CharField()
    closing = serializers.CharField()
    items = DayItemSerializer(many=True)
    dropped = DroppedSerializer(many=True)
    plan = serializers.CharField(allow_null=True)
    own_hours = serializers.BooleanField()


class DayCheckItemSerializer(serializers.Serializer):
    at = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["aired", "missed", "due", "upcoming"])
    aired_by = serializers.CharField(allow_null=True)
    aired_at = serializers.CharField(allow_null=True)


class DayCheckSerializer(serializers.Serializer):
    date = serializers.DateField()
    items = DayCheckItemSerializer(many=True)


class QueueEntrySerializer(serializers.Serializer):
    insert = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()
    html = serializers.CharField()


class QueueSerializer(serializers.Serializer):
    now = serializers.CharField()
    next = QueueEntrySerializer(many=True)
    expired = QueueEntrySerializer(many=True)


class AirLogListSerializer(serializers.Serializer):
    date = serializers.DateField()
    results = AirLogEntrySerializer(many=True)


class PromotionCreatedSerializer(PromotionSerializer):
    slots = serializers.ListField(child=serializers.CharField())
    slots_by_day = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    class Meta(PromotionSerializer.Meta):
        fields = [*PromotionSerializer.Meta.fields, "slots", "slots_by_day"]
