from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.permissions import HasPerms

from .. import selectors, services
from ..filters import ReturnRequestFilter
from ..models import ReturnPolicy
from ..pdf import return_slip_response
from .serializers import (
    RejectSerializer,
    ReturnInputSerializer,
    ReturnPolicySerializer,
    ReturnQuoteInputSerializer,
    ReturnQuoteSerializer,
    ReturnRequestDetailSerializer,
    ReturnRequestSerializer,
    SignSerializer,
    quote_body,
)


class ReturnRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Return slips (R-RET-1…13): quote, create, sign step by step, reject."""

    queryset = selectors.returns_list()
    serializer_class = ReturnRequestSerializer
    filterset_class = ReturnRequestFilter
    ordering_fields = ["created_at", "refund_amount"]
    # Signing is checked step by step in the service (403/409 per R-RET-11/12); reading needs view_.
    action_permissions = {
        "quote": ["returns.view_returnrequest"],
        "sign": ["returns.view_returnrequest"],
        "reject": ["returns.view_returnrequest"],
    }

    def get_queryset(self):
        if self.action == "retrieve":
            return self.queryset.prefetch_related("lines__receipt_line", "clawbacks", "events__user")
        return self.queryset

    def get_serializer_class(self):
        return ReturnRequestDetailSerializer if self.action == "retrieve" else ReturnRequestSerializer

    @extend_schema(request=ReturnQuoteInputSerializer, responses={200: ReturnQuoteSerializer})
    @action(detail=False, methods=["post"])
    def quote(self, request):
        """No side effects: what the rules say, with every rule that decided it."""
        data = ReturnQuoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.return_quote(**data.service_kwargs(), at=data.validated_data.get("at"))
        return Response(quote_body(quote))

    @extend_schema(request=ReturnInputSerializer, responses={201: ReturnRequestDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rr = services.return_create(**data.service_kwargs(), user=request.user,
                                    responsible_counter=data.validated_data["responsible_counter"],
                                    responsible_salesperson=data.validated_data["responsible_salesperson"])
        detail = selectors.return_detail(pk=rr.pk)
        return Response(ReturnRequestDetailSerializer(detail).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignSerializer, responses=ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        data = SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rr = services.return_sign(return_request=self.get_object(), step=data.validated_data["step"], user=request.user)
        return Response(ReturnRequestSerializer(self.queryset.get(pk=rr.pk)).data)

    @extend_schema(request=RejectSerializer, responses=ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rr = services.return_reject(return_request=self.get_object(), user=request.user,
                                    reason=data.validated_data["reason"])
        return Response(ReturnRequestSerializer(self.queryset.get(pk=rr.pk)).data)


class ReturnSlipPdfApi(APIView):
    """`GET /api/v1/returns/{id}/slip.pdf`: the three-copy slip (cashier / counter / desk)."""

    permission_classes = [HasPerms.of("returns.view_returnrequest")]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk: int):
        return return_slip_response(pk=pk)


class ReturnPolicyViewSet(viewsets.ReadOnlyModelViewSet):
    """The effective-dated return policies (edited in the admin); `?on=YYYY-MM-DD` → the one in force."""

    queryset = ReturnPolicy.objects.all()
    serializer_class = ReturnPolicySerializer
    ordering_fields = ["effective_from"]
    ordering = ["-effective_from"]

    def get_queryset(self):
        on = self.request.query_params.get("on")
        if on:
            from django.utils.dateparse import parse_date

            day = parse_date(on) if len(on) == 10 else None
            if day is None:
                from rest_framework.exceptions import ValidationError

                raise ValidationError({"on": "Use YYYY-MM-DD."})
            return self.queryset.filter(pk=selectors.return_policy_in_force(on=day).pk)
        return self.queryset
