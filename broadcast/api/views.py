"""The broadcast endpoints of api-contract.md ("Broadcast (R-BC)"), plus a REST resource per model."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.permissions import HasPerms

from .. import rules, selectors, services
from ..filters import (
    AirLogFilter,
    BoothHandoverFilter,
    EquipmentMaintenanceFilter,
    PromotionFilter,
    ScriptFilter,
    UrgentInsertFilter,
)
from ..marks import script_html
from ..models import (
    BoothHandover,
    BroadcastPolicy,
    EquipmentMaintenance,
    InsertTemplate,
    PlanVersion,
    Promotion,
    Script,
    UrgentInsert,
)
from ..pdf import day_sheet_pdf, script_pdf
from .serializers import (
    AirLogEntrySerializer,
    AirLogListSerializer,
    BoothHandoverSerializer,
    BroadcastPolicySerializer,
    DayCheckSerializer,
    DaySerializer,
    EquipmentMaintenanceSerializer,
    HoursInputSerializer,
    InsertInputSerializer,
    InsertTemplateSerializer,
    LogInputSerializer,
    PlanVersionSerializer,
    PromotionCreatedSerializer,
    PromotionInputSerializer,
    PromotionSerializer,
    QueueSerializer,
    ScriptDetailSerializer,
    ScriptInputSerializer,
    ScriptPatchSerializer,
    ScriptRejectSerializer,
    ScriptSerializer,
    UrgentInsertSerializer,
    WithdrawSerializer,
)


def _day(value: str) -> date:
    try:
        day = parse_date(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:  # well-formed but not a date (2026-13-45)
        day = None
    if day is None:
        raise ValidationError({"date": "Use YYYY-MM-DD."})
    if not rules.day_in_range(day):
        raise ValidationError({"date": f"Between {rules.FIRST_DAY} and {rules.LAST_DAY}."})
    return day


def day_body(plan: selectors.DayPlan) -> dict:
    """The contract's day plan: `{"date", "opening", "closing", "items": [{"at", "kind", "title", "script"}]}`;
    `promotion`, `moved_from`, `dropped`, `plan` and `own_hours` are extra."""
    sheet = plan.sheet
    return {
        "date": sheet.day.isoformat(),
        "opening": sheet.hours.opening.strftime("%H:%M"),
        "closing": sheet.hours.closing.strftime("%H:%M"),
        "items": [{"at": i.at, "kind": i.kind, "title": i.title, "script": i.script_id, "promotion": i.promotion_id,
                   "moved_from": (f"{i.moved_from // 60:02d}:{i.moved_from % 60:02d}" if i.moved_from is not None
                                  else None)} for i in sheet.items],
        "dropped": [{"kind": d.kind, "title": d.title, "nominal": d.nominal, "reason": d.reason,
                     "promotion": d.promotion_id} for d in sheet.dropped],
        "plan": str(plan.plan) if plan.plan else None,
        "own_hours": plan.own_hours,
    }


def queue_body(*, now) -> dict:
    """R-BC-4: queued inserts first (emergency, lost child, lost person, special, lost property, then by
    time queued), then the plan item now due — or, when nothing is due, the next one (`due` false)."""
    nxt = []
    for ins in selectors.inserts_queued(now=now)[:100]:
        nxt.append({"insert": ins.pk, "kind": ins.kind, "title": ins.get_kind_display(), "text": ins.text,
                    "html": script_html(ins.text), "priority": ins.priority, "source_ref": ins.source_ref,
                    "raised_at": timezone.localtime(ins.raised_at).isoformat(),
                    "expires_at": timezone.localtime(ins.expires_at).isoformat(), "raised_by": ins.raised_by.username})
    day = timezone.localdate(now, selectors.store_tz())
    plan = selectors.day_sheet_cached(day=day)
    checks = selectors.air_check_of(day=day, now=now, plan=plan)
    chosen = next((c for c in checks if c.status == "due"), None) or next(
        (c for c in checks if c.status == "upcoming"), None)
    if chosen is not None:
        item = chosen.item
        script = plan.scripts.get(item.script_id) if item.script_id else None
        nxt.append({"insert": None, "kind": item.kind, "title": item.title, "text": script.text if script else "",
                    "html": script_html(script.text) if script else "", "at": item.at, "due": chosen.status == "due",
                    "script": item.script_id})
    since = timezone.localtime(now, selectors.store_tz()).replace(hour=0, minute=0, second=0, microsecond=0)
    expired = [{"insert": i.pk, "kind": i.kind, "title": i.get_kind_display(), "text": i.text,
                "raised_at": timezone.localtime(i.raised_at).isoformat()}
               for i in selectors.inserts_expired_unaired(since=since, now=now)[:20]]
    return {"now": timezone.localtime(now).strftime("%H:%M"), "next": nxt, "expired": expired}


class DayApi(APIView):
    """`GET /broadcast/days/{date}/`: the day's sheet (R-BC-1, R-BC-2, R-BC-3)."""

    permission_classes = [HasPerms.of("broadcast.view_planversion")]

    @extend_schema(responses=DaySerializer)
    def get(self, request, day: str):
        return Response(day_body(selectors.day_sheet(day=_day(day))))


class DayHoursApi(APIView):
    """`PUT /broadcast/days/{date}/hours/` (desk supervisor): the day's own hours → the new day plan."""

    permission_classes = [HasPerms.of("broadcast.edit_plan")]

    @extend_schema(request=HoursInputSerializer, responses=DaySerializer)
    def put(self, request, day: str):
        the_day = _day(day)
        data = HoursInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.day_hours_set(day=the_day, opening=data.validated_data["opening"],
                               closing=data.validated_data["closing"], user=request.user,
                               note=data.validated_data["note"])
        return Response(day_body(selectors.day_sheet(day=the_day)))


class DayCheckApi(APIView):
    """`GET /broadcast/days/{date}/check/`: each sheet item aired, missed, due or upcoming (R-BC-6)."""

    permission_classes = [HasPerms.of("broadcast.view_airlogentry")]

    @extend_schema(responses=DayCheckSerializer)
    def get(self, request, day: str):
        the_day = _day(day)
        checks = selectors.air_check_of(day=the_day, now=timezone.now())
        return Response({"date": the_day.isoformat(), "items": [
            {"at": c.item.at, "kind": c.item.kind, "title": c.item.title, "status": c.status,
             "aired_by": c.logged.by if c.logged else None,
             "aired_at": (f"{c.logged.aired_minute // 60:02d}:{c.logged.aired_minute % 60:02d}" if c.logged else None)}
            for c in checks]})


class DaySheetPdfApi(APIView):
    """`GET /broadcast/days/{date}/sheet.pdf`: the printable day sheet."""

    permission_classes = [HasPerms.of("broadcast.view_planversion")]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, day: str):
        the_day = _day(day)
        plan = selectors.day_sheet(day=the_day)
        response = HttpResponse(day_sheet_pdf(plan), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="broadcast-{the_day}.pdf"'
        return response


class ScriptViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Scripts (R-BC-5): draft → submit → approve / reject (a desk supervisor who is not the author)."""

    queryset = Script.objects.select_related("author", "reviewed_by")
    serializer_class = ScriptSerializer
    filterset_class = ScriptFilter
    ordering_fields = ["updated_at", "title"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {
        "submit": ["broadcast.change_script"],
        "approve": ["broadcast.view_script"],  # the service answers 403 without broadcast.approve_script
        "reject": ["broadcast.view_script"],
    }

    def get_serializer_class(self):
        return ScriptDetailSerializer if self.action == "retrieve" else ScriptSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return self.queryset.prefetch_related("events__user")
        return self.queryset

    @extend_schema(request=ScriptInputSerializer, responses={201: ScriptSerializer})
    def create(self, request, *args, **kwargs):
        data = ScriptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        script = services.script_create(**data.validated_data, user=request.user)
        return Response(ScriptSerializer(script).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScriptPatchSerializer, responses=ScriptSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = ScriptPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        script = services.script_update(script=self.get_object(), user=request.user, **data.validated_data)
        return Response(ScriptSerializer(script).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def _state(self, script):
        return Response({**ScriptSerializer(script).data, "status": script.status})

    @extend_schema(request=None, responses=ScriptSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._state(services.script_submit(script=self.get_object(), user=request.user))

    @extend_schema(request=None, responses=ScriptSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._state(services.script_approve(script=self.get_object(), user=request.user))

    @extend_schema(request=ScriptRejectSerializer, responses=ScriptSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = ScriptRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._state(services.script_reject(script=self.get_object(), user=request.user,
                                                  reason=data.validated_data["reason"]))



class ScriptPdfApi(APIView):
    """`GET /broadcast/scripts/{id}/script.pdf`: the printable script with its reading marks (R-BC-5)."""

    permission_classes = [HasPerms.of("broadcast.view_script")]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk: int):
        script = Script.objects.select_related("reviewed_by").filter(pk=pk).first()
        if script is None:
            raise Http404
        response = HttpResponse(script_pdf(script), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="script-{script.pk}.pdf"'
        return response


class PromotionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Recurring promotions (R-BC-2); `?on=YYYY-MM-DD` → those running that day."""

    queryset = Promotion.objects.select_related("created_by")
    serializer_class = PromotionSerializer
    filterset_class = PromotionFilter
    ordering_fields = ["starts_at", "created_at"]
    action_permissions = {"create": ["broadcast.edit_plan"]}

    @extend_schema(request=PromotionInputSerializer, responses={201: PromotionCreatedSerializer})
    def create(self, request, *args, **kwargs):
        data = PromotionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = services.promotion_create(**data.validated_data, user=request.user)
        return Response(self._with_slots(promotion), status=status.HTTP_201_CREATED)

    @staticmethod
    def _with_slots(promotion) -> dict:
        """`slots`: the first day's slots, HH:MM store time (the contract); `slots_by_day` for a longer run."""
        by_day = services.promotion_slots(promotion=promotion)
        first = min(by_day) if by_day else None
        return {**PromotionSerializer(promotion).data, "slots": by_day.get(first, []),
                "slots_by_day": {d.isoformat(): s for d, s in by_day.items()}}

    @extend_schema(responses=PromotionCreatedSerializer)
    @action(detail=True, methods=["get"])
    def slots(self, request, pk=None):
        return Response(self._with_slots(self.get_object()))


class UrgentInsertViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Urgent inserts (R-BC-4): raise at once, mark aired at the booth, withdraw."""

    queryset = UrgentInsert.objects.select_related("raised_by", "aired_by")
    serializer_class = UrgentInsertSerializer
    filterset_class = UrgentInsertFilter
    ordering_fields = ["raised_at", "priority"]
    action_permissions = {"aired": ["broadcast.air_item"], "withdraw": ["broadcast.add_urgentinsert"]}

    @extend_schema(request=InsertInputSerializer, responses={201: UrgentInsertSerializer})
    def create(self, request, *args, **kwargs):
        data = InsertInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        insert = services.urgent_insert_raise(**data.validated_data, user=request.user)
        return Response(UrgentInsertSerializer(insert).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=UrgentInsertSerializer)
    @action(detail=True, methods=["post"])
    def aired(self, request, pk=None):
        insert = services.urgent_insert_air(insert=self.get_object(), user=request.user)
        return Response(UrgentInsertSerializer(insert).data)

    @extend_schema(request=WithdrawSerializer, responses=UrgentInsertSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        insert = services.urgent_insert_withdraw(insert=self.get_object(), user=request.user,
                                                 reason=data.validated_data["reason"])
        return Response(UrgentInsertSerializer(insert).data)


class QueueApi(APIView):
    """`GET /broadcast/queue/`: what the booth airs next (R-BC-4). Polled by the booth page."""

    permission_classes = [HasPerms.of("broadcast.view_urgentinsert")]

    @extend_schema(responses=QueueSerializer)
    def get(self, request):
        return Response(queue_body(now=timezone.now()))


class AirLogApi(APIView):
    """`GET /broadcast/log/?date=YYYY-MM-DD` (default today) and `POST /broadcast/log/` (R-BC-6)."""

    def get_permissions(self):
        perm = "broadcast.air_item" if self.request.method == "POST" else "broadcast.view_airlogentry"
        return [HasPerms.of(perm)()]

    @extend_schema(parameters=[OpenApiParameter("date", OpenApiTypes.DATE)], responses=AirLogListSerializer)
    def get(self, request):
        raw = request.query_params.get("date")
        day = _day(raw) if raw is not None else timezone.localdate()
        qs = AirLogFilter(request.query_params, queryset=selectors.air_log_of(day=day)).qs
        return Response({"date": day.isoformat(), "results": AirLogEntrySerializer(qs[:2000], many=True).data})

    @extend_schema(request=LogInputSerializer, responses={201: AirLogEntrySerializer})
    def post(self, request):
        data = LogInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.air_log_record(**data.validated_data, user=request.user)
        return Response(AirLogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class BoothHandoverViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = BoothHandover.objects.select_related("written_by", "acknowledged_by")
    serializer_class = BoothHandoverSerializer
    filterset_class = BoothHandoverFilter
    ordering_fields = ["shift_date"]
    action_permissions = {"acknowledge": ["broadcast.change_boothhandover"]}

    def create(self, request, *args, **kwargs):
        data = BoothHandoverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.booth_handover_write(**data.validated_data, user=request.user)
        return Response(BoothHandoverSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BoothHandoverSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        note = services.booth_handover_acknowledge(note=self.get_object(), user=request.user)
        return Response(BoothHandoverSerializer(note).data)


class EquipmentMaintenanceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = EquipmentMaintenance.objects.select_related("done_by")
    serializer_class = EquipmentMaintenanceSerializer
    filterset_class = EquipmentMaintenanceFilter
    ordering_fields = ["done_at"]

    def create(self, request, *args, **kwargs):
        data = EquipmentMaintenanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.equipment_maintenance_record(**data.validated_data, user=request.user)
        return Response(EquipmentMaintenanceSerializer(record).data, status=status.HTTP_201_CREATED)


class PlanVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """The effective-dated plans (edited in the admin by the desk supervisor)."""

    queryset = PlanVersion.objects.prefetch_related("items")
    serializer_class = PlanVersionSerializer
    ordering = ["-effective_from"]


class BroadcastPolicyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BroadcastPolicy.objects.all()
    serializer_class = BroadcastPolicySerializer
    ordering = ["-effective_from"]


class InsertTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = InsertTemplate.objects.select_related("script")
    serializer_class = InsertTemplateSerializer
    ordering = ["kind"]
    pagination_class = None
    lookup_field = "kind"
