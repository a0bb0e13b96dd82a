from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from receipts import services
from receipts.models import Receipt

from .serializers import ReceiptIngestedSerializer, ReceiptInSerializer, ReceiptSerializer


class ReceiptFilter(filters.FilterSet):
    class Meta:
        model = Receipt
        fields = {"side": ["exact"], "number": ["exact"], "card_number": ["exact"], "business_date": ["exact", "gte", "lte"]}


class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Till receipts: POST is the till feed (role pos); desk roles read."""

    queryset = Receipt.objects.prefetch_related("lines")
    serializer_class = ReceiptSerializer
    filterset_class = ReceiptFilter

    @extend_schema(responses=ReceiptSerializer)
    def retrieve_by_number(self, request, side: str, number: str):
        """`GET /api/v1/receipts/{side}/{number}/` — the receipt as the tills name it."""
        receipt = get_object_or_404(self.get_queryset(), side=side, number=number)
        return Response(self.get_serializer(receipt).data)

    @extend_schema(request=ReceiptInSerializer, responses={201: ReceiptIngestedSerializer, 200: ReceiptIngestedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ReceiptInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body, created = services.receipt_ingest(data=serializer.validated_data, user=request.user)
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
