from django.conf import settings
from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk import services
from servicedesk.models import HandoverEntry, HandoverItem, Notification

from .serializers import (
    HandoverEntrySerializer,
    HandoverItemSerializer,
    HandoverWriteSerializer,
    NotificationSerializer,
)


class HandoverEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The shift handover book (R-DESK-1)."""

    queryset = HandoverEntry.objects.select_related("written_by", "acknowledged_by").prefetch_related(
        "items__closed_by"
    )
    serializer_class = HandoverEntrySerializer
    filterset_fields = ["shift_date", "shift"]
    action_permissions = {"acknowledge": ["servicedesk.change_handoverentry"]}

    @extend_schema(request=HandoverWriteSerializer, responses={201: HandoverEntrySerializer})
    def create(self, request, *args, **kwargs):
        data = HandoverWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.handover_write(
            shift_date=data.validated_data["shift_date"],
            shift=data.validated_data["shift"],
            notes=data.validated_data["notes"],
            new_items=data.validated_data["items"],
            closed_item_ids=data.validated_data["close_items"],
            user=request.user,
        )
        return Response(HandoverEntrySerializer(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=HandoverEntrySerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        entry = services.handover_acknowledge(entry=self.get_object(), user=request.user)
        return Response(HandoverEntrySerializer(self.get_queryset().get(pk=entry.pk)).data)


class HandoverItemViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = HandoverItem.objects.select_related("closed_by")
    serializer_class = HandoverItemSerializer
    filterset_fields = ["status", "entry"]
    action_permissions = {"close": ["servicedesk.change_handoveritem"]}

    @extend_schema(request=None, responses=HandoverItemSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        item = services.handover_item_close(item=self.get_object(), user=request.user)
        return Response(HandoverItemSerializer(item).data)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The logged-in user's own notifications."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["read_at"]

    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = services.notification_mark_read(notification=self.get_object(), user=request.user)
        return Response(NotificationSerializer(note).data)


def broker_status() -> tuple[str, str]:
    """("ok"|"eager"|"error", transport). "eager" means no broker server is configured: tasks run in
    the no-server default (filesystem broker) or in-process."""
    if not settings.REDIS_URL:
        return "eager", "memory" if settings.CELERY_TASK_ALWAYS_EAGER else "filesystem"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok", "redis"
    except Exception:  # noqa: BLE001 - any failure to reach the broker is reported, not raised
        return "error", "redis"


class HealthView(APIView):
    """`GET /healthz`: database and broker reachability, no auth (api-contract.md)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            database = "ok"
        except Exception:  # noqa: BLE001
            database = "error"
        broker, transport = broker_status()
        healthy = database == "ok" and broker != "error"
        body = {"status": "ok" if healthy else "error", "database": database, "broker": broker,
                "broker_transport": transport}
        return Response(body, status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE)
