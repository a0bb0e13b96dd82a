from django.contrib.auth import get_user_model
from rest_framework import serializers

from servicedesk.choices import Shift
from servicedesk.models import HandoverEntry, HandoverItem, Notification

User = get_user_model()


class UserRefField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class HandoverItemSerializer(serializers.ModelSerializer):
    closed_by = UserRefField(allow_null=True)

    class Meta:
        model = HandoverItem
        fields = ["id", "entry", "text", "status", "carried_from", "closed_by", "closed_at", "created_at"]
        read_only_fields = fields


class HandoverEntrySerializer(serializers.ModelSerializer):
    written_by = UserRefField()
    acknowledged_by = UserRefField(allow_null=True)
    items = HandoverItemSerializer(many=True, read_only=True)

    class Meta:
        model = HandoverEntry
        fields = [
            "id", "shift_date", "shift", "notes", "written_by", "created_at",
            "acknowledged_by", "acknowledged_at", "items",
        ]
        read_only_fields = fields


class HandoverWriteSerializer(serializers.Serializer):
    shift_date = serializers.DateField()
    shift = serializers.ChoiceField(choices=Shift.choices)
    notes = serializers.CharField(max_length=5000)
    items = serializers.ListField(child=serializers.CharField(max_length=500), required=False, default=list)
    close_items = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields
