"""Desk services API (api-contract.md, "Desk services"; R-DESK-2…4). Views shape input and call desk.services;
every refusal is a DomainError turned into the contract's error format."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.permissions import HasPerms
from servicedesk.money import money_str

from .. import rules, selectors, services
from ..choices import LoanStatus
from ..models import (
    BagStorage,
    DeliveryRequest,
    DepositCashCount,
    Enquiry,
    GiftWrap,
    LostProperty,
    SupplyItem,
    UmbrellaLoan,
)
from . import serializers as s


def _answer(name: str, **fields) -> serializers.Serializer:
    """The schema of a short answer (a few fields, not the whole record)."""
    return inline_serializer(name, fields=fields)


_MONEY = serializers.CharField()


def _bad(field: str, message: str, code: str = "invalid"):
    raise serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


def _date_param(request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        _bad(name, "Use YYYY-MM-DD.")


def _bool_param(request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    _bad(name, "Use true or false.")


def _choice_param(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    if raw not in choices:
        _bad(name, "Not a valid choice.")
    return raw


class EnquiryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R-DESK-2: enquiries, logged in one click; `?topic=`, `?channel=`, `?date=` filter the list."""

    serializer_class = s.EnquirySerializer
    action_permissions = {"stats": ["desk.view_enquiry"]}

    def get_queryset(self):
        qs = Enquiry.objects.select_related("by")
        from ..choices import EnquiryChannel, EnquiryTopic

        if topic := _choice_param(self.request, "topic", EnquiryTopic.values):
            qs = qs.filter(topic=topic)
        if channel := _choice_param(self.request, "channel", EnquiryChannel.values):
            qs = qs.filter(channel=channel)
        if day := _date_param(self.request, "date"):
            qs = qs.filter(at__gte=selectors.day_start(day), at__lt=selectors.day_start(day + dt.timedelta(days=1)))
        return qs

    @extend_schema(request=s.EnquiryCreateSerializer, responses={201: _answer("EnquiryCreated", id=serializers.IntegerField(),
                                                                                              at=serializers.DateTimeField())})
    def create(self, request, *args, **kwargs):
        data = s.EnquiryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enquiry = services.enquiry_log(user=request.user, **data.validated_data)
        return Response({"id": enquiry.pk, "at": serializers.DateTimeField().to_representation(enquiry.at)},
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=_answer("EnquiryStats", **{"from": serializers.DateField(), "to": serializers.DateField(),
                                                        "total": serializers.IntegerField(),
                                                        "by_topic": serializers.DictField(child=serializers.IntegerField()),
                                                        "by_channel": serializers.DictField(child=serializers.IntegerField()),
                                                        "by_hour": serializers.DictField(child=serializers.IntegerField())}))
    @action(detail=False, methods=["get"])
    def stats(self, request):
        """Counts by topic, channel and hour of `?from=` … `?to=` (store days, inclusive; default today)."""
        today = timezone.localdate()
        start = _date_param(request, "from") or today
        end = _date_param(request, "to") or start
        if end < start:
            _bad("to", "Not before from.")
        counts = selectors.enquiry_counts(start=start, end=end + dt.timedelta(days=1))
        counts["by_hour"] = {f"{h:02d}": n for h, n in counts["by_hour"].items()}
        return Response({"from": start.isoformat(), "to": end.isoformat(), **counts})


class DirectoryViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """R-DESK-2: the brand directory. `?q=` finds by any part of the brand name, its pinyin initials, the
    counter or the floor. Created (or updated, by brand name) by the desk supervisor."""

    serializer_class = s.BrandSerializer
    action_permissions = {"create": ["desk.add_brand", "desk.change_brand"]}

    def get_queryset(self):
        return selectors.brands_search(q=self.request.query_params.get("q", ""))

    def create(self, request, *args, **kwargs):
        data = s.BrandSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        brand = services.brand_save(user=request.user, **data.validated_data)
        return Response(s.BrandSerializer(brand).data, status=status.HTTP_201_CREATED)


class UmbrellaLoanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R-DESK-3: umbrella loans against a deposit. `?status=out`, `?overdue=true`, `?umbrella=U-017`."""

    serializer_class = s.LoanSerializer
    action_permissions = {"return_": ["desk.change_umbrellaloan"], "forfeit": ["desk.forfeit_deposit"]}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_queryset(self):
        qs = UmbrellaLoan.objects.all()
        if st := _choice_param(self.request, "status", LoanStatus.values):
            qs = qs.filter(status=st)
        if _bool_param(self.request, "overdue"):
            qs = qs.filter(status=LoanStatus.OUT, due_at__lte=timezone.now())
        if umbrella := self.request.query_params.get("umbrella"):
            qs = qs.filter(umbrella=umbrella.strip().upper())
        return qs

    @extend_schema(request=s.LoanCreateSerializer, responses={201: _answer("LoanCreated", id=serializers.IntegerField(),
                                                                                         status=serializers.CharField(),
                                                                                         deposit=_MONEY,
                                                                                         due_at=serializers.DateTimeField())})
    def create(self, request, *args, **kwargs):
        data = s.LoanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        loan = services.umbrella_lend(user=request.user, **data.validated_data)
        return Response({"id": loan.pk, "status": loan.status, "deposit": money_str(loan.deposit),
                         "due_at": serializers.DateTimeField().to_representation(loan.due_at)},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=_answer("LoanReturned", status=serializers.CharField(),
                                                   deposit_refunded=_MONEY))
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        loan = services.umbrella_return(loan=self.get_object(), user=request.user)
        return Response({"status": loan.status, "deposit_refunded": money_str(loan.deposit)})

    @extend_schema(request=None, responses=_answer("LoanForfeited", status=serializers.CharField(), deposit_kept=_MONEY))
    @action(detail=True, methods=["post"])
    def forfeit(self, request, pk=None):
        loan = services.umbrella_forfeit(loan=self.get_object(), user=request.user)
        return Response({"status": loan.status, "deposit_kept": money_str(loan.deposit)})


def _deposit_day_body(day: dt.date) -> dict:
    d = selectors.deposit_day(day=day)
    count = DepositCashCount.objects.filter(day=day).first()
    return {
        "date": day.isoformat(), "held_at_open": money_str(d.held_at_open), "taken": money_str(d.taken),
        "refunded": money_str(d.refunded), "forfeited": money_str(d.forfeited), "cash_change": money_str(d.cash_change),
        "held_at_close": money_str(d.held_at_close),
        "count": None if count is None else {"counted": money_str(count.counted), "expected": money_str(count.expected),
                                             "variance": money_str(count.variance), "by": count.by.username},
    }


class DepositDayApi(APIView):
    """R-DESK-3: one store day of the deposit ledger (`GET …/umbrella-deposits/2026-12-01/`) and the count of
    the deposit cash against it (`POST …/count/ {"counted": "20.00"}`)."""

    permission_classes = [HasPerms.of("desk.view_depositentry")]

    def _day(self, date: str) -> dt.date:
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            _bad("date", "Use YYYY-MM-DD.")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, date: str):
        return Response(_deposit_day_body(self._day(date)))


class DepositCountApi(DepositDayApi):
    permission_classes = [HasPerms.of("desk.add_depositcashcount")]

    @extend_schema(request=s.CashCountSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, date: str):
        day = self._day(date)
        data = s.CashCountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.deposit_cash_count(user=request.user, day=day, **data.validated_data)
        return Response(_deposit_day_body(day), status=status.HTTP_201_CREATED)


class SupplyItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R-DESK-3: free items and desk supplies with their stock; `issue`, `receive` and the ledger per item."""

    serializer_class = s.SupplyItemSerializer
    queryset = SupplyItem.objects.all().order_by("kind", "code")
    lookup_field = "code"
    pagination_class = None
    action_permissions = {"issue": ["desk.add_supplyentry"], "receive": ["desk.add_supplyentry"],
                          "ledger": ["desk.view_supplyentry"]}

    @extend_schema(request=s.SupplyMoveSerializer, responses={201: s.SupplyEntrySerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, code=None):
        data = s.SupplyMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.supply_issue(item=self.get_object(), user=request.user, **data.validated_data)
        return Response(s.SupplyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SupplyMoveSerializer, responses={201: s.SupplyEntrySerializer})
    @action(detail=True, methods=["post"])
    def receive(self, request, code=None):
        data = s.SupplyMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.supply_receive(item=self.get_object(), user=request.user, **data.validated_data)
        return Response(s.SupplyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=_answer("SupplyLedger", results=s.SupplyEntrySerializer(many=True)))
    @action(detail=True, methods=["get"])
    def ledger(self, request, code=None):
        item = self.get_object()
        return Response({"results": s.SupplyEntrySerializer(item.entries.select_related("by").order_by("-at", "-id")[:200],
                                                            many=True).data})


class StocktakeApi(APIView):
    """R-DESK-4: the monthly supplies stocktake, one count per item and month."""

    permission_classes = [HasPerms.of("desk.add_supplystocktake")]

    @extend_schema(request=s.StocktakeCreateSerializer, responses={201: s.StocktakeSerializer})
    def post(self, request):
        data = s.StocktakeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            month = rules.month_bounds(v["month"])[0] if v["month"] else None
        except rules.BadPeriod:
            _bad("month", "Write the month as 2026-11.", code="R-DESK-4")
        st = services.supply_stocktake(item=v["item"], counted=v["counted"], month=month, note=v["note"], user=request.user)
        return Response(s.StocktakeSerializer(st).data, status=status.HTTP_201_CREATED)


class GiftWrapViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """R-DESK-3: free gift wrapping for members, logged against the card; `?card_number=` filters."""

    serializer_class = s.GiftWrapSerializer

    def get_queryset(self):
        qs = GiftWrap.objects.select_related("card", "by")
        if card := self.request.query_params.get("card_number"):
            qs = qs.filter(card__card_number=card.strip())
        return qs

    @extend_schema(request=s.GiftWrapCreateSerializer, responses={201: s.GiftWrapSerializer})
    def create(self, request, *args, **kwargs):
        data = s.GiftWrapCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wrap = services.gift_wrap_log(user=request.user, **data.validated_data)
        return Response(s.GiftWrapSerializer(wrap).data, status=status.HTTP_201_CREATED)


class DeliveryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R-DESK-3: bulk-goods delivery requests, followed until delivered; `?status=` filters."""

    serializer_class = s.DeliverySerializer
    action_permissions = {"move": ["desk.change_deliveryrequest"]}

    def get_queryset(self):
        from ..choices import DeliveryStatus

        qs = DeliveryRequest.objects.select_related("receipt")
        if st := _choice_param(self.request, "status", DeliveryStatus.values):
            qs = qs.filter(status=st)
        return qs

    @extend_schema(request=s.DeliveryCreateSerializer, responses={201: s.DeliverySerializer})
    def create(self, request, *args, **kwargs):
        data = s.DeliveryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.delivery_request(user=request.user, **data.validated_data)
        return Response(s.DeliverySerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DeliveryMoveSerializer, responses=s.DeliverySerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def move(self, request, pk=None):
        data = s.DeliveryMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        req = services.delivery_move(request=self.get_object(), to=v["status"], scheduled_for=v["scheduled_for"],
                                     note=v["note"], user=request.user)
        return Response(s.DeliverySerializer(req).data)


class LostPropertyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R-DESK-3: the lost-property register; `?status=held`, `?kind=`, `?q=` (number or description),
    `?due=true` (past the holding period). Claimants' ID and phone are masked (R-VIP-7)."""

    serializer_class = s.LostSerializer
    lookup_field = "number"
    lookup_value_regex = r"SW-\d{8}-\d{4,}"
    action_permissions = {"claim": ["desk.claim_lostproperty"], "dispose": ["desk.dispose_lostproperty"]}

    def get_queryset(self):
        from django.db.models import Q

        from ..choices import LostKind, LostStatus

        qs = LostProperty.objects.all()
        if st := _choice_param(self.request, "status", LostStatus.values):
            qs = qs.filter(status=st)
        if kind := _choice_param(self.request, "kind", LostKind.values):
            qs = qs.filter(kind=kind)
        if _bool_param(self.request, "due"):
            qs = qs.filter(status=LostStatus.HELD, dispose_after__lt=timezone.localdate())
        if q := self.request.query_params.get("q", "").strip():
            qs = qs.filter(Q(number=q.upper()) | Q(description__icontains=q) | Q(found_where__icontains=q))
        return qs

    @extend_schema(request=s.LostCreateSerializer, responses={201: _answer("LostRegistered", number=serializers.CharField(),
                                                                                            status=serializers.CharField(),
                                                                                            pa_insert=serializers.IntegerField(allow_null=True))})
    def create(self, request, *args, **kwargs):
        data = s.LostCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.lost_property_register(user=request.user, **data.validated_data)
        return Response({"number": entry.number, "status": entry.status, "pa_insert": entry.pa_insert_id},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.LostClaimSerializer,
                   responses=_answer("LostClaimed", status=serializers.CharField(), number=serializers.CharField(),
                                     pa_insert=serializers.IntegerField(allow_null=True)))
    @action(detail=True, methods=["post"])
    def claim(self, request, number=None):
        data = s.LostClaimSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.lost_property_claim(entry=self.get_object(), user=request.user, **data.validated_data)
        return Response({"status": entry.status, "number": entry.number, "pa_insert": entry.pa_insert_id})

    @extend_schema(request=s.LostDisposeSerializer,
                   responses=_answer("LostDisposed", status=serializers.CharField(), number=serializers.CharField()))
    @action(detail=True, methods=["post"])
    def dispose(self, request, number=None):
        data = s.LostDisposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.lost_property_dispose(entry=self.get_object(), user=request.user, **data.validated_data)
        return Response({"status": entry.status, "number": entry.number})


class BagViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """R-DESK-3 customer bag storage: `POST {"tag"}` takes a bag in, `POST give-back/ {"tag"}` gives it back."""

    serializer_class = s.BagSerializer
    action_permissions = {"give_back": ["desk.change_bagstorage"]}

    def get_queryset(self):
        qs = BagStorage.objects.all()
        if _bool_param(self.request, "stored"):
            qs = qs.filter(status="stored")
        return qs

    @extend_schema(request=s.BagCreateSerializer, responses={201: s.BagSerializer})
    def create(self, request, *args, **kwargs):
        data = s.BagCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bag = services.bag_store(user=request.user, **data.validated_data)
        return Response(s.BagSerializer(bag).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BagCreateSerializer, responses=s.BagSerializer)
    @action(detail=False, methods=["post"], url_path="give-back")
    def give_back(self, request):
        data = s.BagCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bag = services.bag_give_back(tag=data.validated_data["tag"], user=request.user)
        return Response(s.BagSerializer(bag).data)


class _ReportApi(APIView):
    permission_classes = [HasPerms.of("desk.see_desk_reports")]
    kind = "weekly"
    param = "week"

    def _figures(self, period: str) -> dict:
        if not period:  # no period named: this week or month so far (store time)
            today = timezone.localdate()
            period = rules.week_of(today) if self.kind == "weekly" else rules.month_of(today)
        try:
            return selectors.report_figures(kind=self.kind, period=period)
        except rules.BadPeriod:
            _bad(self.param, "Write the week as 2026-W48 and the month as 2026-11.", code="R-DESK-4")


class WeeklyReportApi(_ReportApi):
    """R-DESK-4: `GET …/reports/weekly/?week=2026-W48` (store time)."""

    @extend_schema(parameters=[OpenApiParameter("week", str, description="2026-W48 (default: this week)")],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(self._figures(request.query_params.get("week", "")))


class MonthlyReportApi(_ReportApi):
    """R-DESK-4: `GET …/reports/monthly/?month=2026-11` (store time)."""

    kind, param = "monthly", "month"

    @extend_schema(parameters=[OpenApiParameter("month", str, description="2026-11 (default: this month)")],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(self._figures(request.query_params.get("month", "")))


class ReportFileApi(_ReportApi):
    """The same report as a file: `…/reports/weekly/2026-W48.pdf`, `…/reports/monthly/2026-11.xlsx`."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    def get(self, request, kind: str, period: str, ext: str):
        from .. import pdf, xlsx

        self.kind, self.param = kind, "week" if kind == "weekly" else "month"
        data = self._figures(period)
        if ext == "pdf":
            body, ctype = pdf.report_pdf(kind=kind, data=data), "application/pdf"
        else:
            body = xlsx.report_xlsx(kind=kind, data=data)
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="desk-{kind}-{period}.{ext}"'
        return response


class PreparedReportApi(APIView):
    """The reports the scheduled job prepared (R-DESK-4), newest first."""

    permission_classes = [HasPerms.of("desk.see_desk_reports")]

    @extend_schema(responses=_answer("PreparedReports", results=s.ReportSerializer(many=True)))
    def get(self, request):
        from ..models import DeskReport

        return Response({"results": s.ReportSerializer(DeskReport.objects.order_by("-prepared_at")[:50], many=True).data})

