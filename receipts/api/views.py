from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from receipts import services
from receipts.models import Receipt
from servicedesk.api.errors import desk_exception_handler
from servicedesk.errors import DomainError

from .serializers import (
    ReceiptBatchInSerializer,
    ReceiptIngestedSerializer,
    ReceiptInSerializer,
    ReceiptSerializer,
    receipt_in_validated,
)


class ReceiptFilter(filters.FilterSet):
    class Meta:
        model = Receipt
        fields = {"side": ["exact"], "number": ["exact"], "card_number": ["exact"], "business_date": ["exact", "gte", "lte"]}


class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Till receipts: POST is the till feed (role pos); desk roles read."""

    queryset = Receipt.objects.prefetch_related("lines")
    serializer_class = ReceiptSerializer
    filterset_class = ReceiptFilter

    @extend_schema(responses=ReceiptSerializer, operation_id="receipts_retrieve_by_number")
    def retrieve_by_number(self, request, side: str, number: str):
        """`GET /api/v1/receipts/{side}/{number}/` — the receipt as the tills name it."""
        receipt = get_object_or_404(self.get_queryset(), side=side, number=number)
        return Response(self.get_serializer(receipt).data)

    @extend_schema(request=ReceiptInSerializer, responses={201: ReceiptIngestedSerializer, 200: ReceiptIngestedSerializer})
    def create(self, request, *args, **kwargs):
        data = receipt_in_validated(request.data)  # the lean path; the serializer answers anything unusual
        if data is None:
            serializer = ReceiptInSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        body, created = services.receipt_ingest(data=data, user=request.user)
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=ReceiptBatchInSerializer, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request, *args, **kwargs):
        """`POST /api/v1/receipts/batch/` — a till back online after an outage: up to 500 receipts, each
        handled exactly as if posted alone (its own transaction and its own 201/200/400/409 answer), in
        the order sent."""
        envelope = ReceiptBatchInSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        context = self.get_exception_handler_context()
        items = envelope.validated_data["receipts"]
        answers: list = [None] * len(items)
        valid, positions = [], []
        for n, item in enumerate(items):
            data = receipt_in_validated(item)  # the lean path; the serializer answers anything unusual
            if data is None:
                serializer = ReceiptInSerializer(data=item)
                if not serializer.is_valid():
                    answers[n] = exceptions.ValidationError(serializer.errors)
                    continue
                data = serializer.validated_data
            valid.append(data)
            positions.append(n)
        for n, outcome in zip(positions, services.receipt_ingest_many(datas=valid, user=request.user), strict=True):
            answers[n] = outcome
        results = []
        for answer in answers:
            if isinstance(answer, DomainError | exceptions.ValidationError):
                error = desk_exception_handler(answer, context)
                results.append({"status": error.status_code, "body": error.data})
            else:
                body, created = answer
                results.append({"status": status.HTTP_201_CREATED if created else status.HTTP_200_OK, "body": body})
        return Response({"results": results})
