"""The invoice endpoints of api-contract.md ("Invoices (R-INV)"): books, issue, void, losses, the monthly
report (JSON, PDF, XLSX) and the month's register for finance. Rules live in services; these views check
the shape of the input and the role."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.permissions import HasPerms

from .. import exports, rules, selectors, services
from ..filters import InvoiceFilter, InvoiceLossFilter
from ..models import Invoice, InvoiceBook, InvoiceLoss
from ..pdf import monthly_report_pdf
from .serializers import (
    BookInputSerializer,
    BookSerializer,
    InvoiceInputSerializer,
    InvoiceSerializer,
    LossInputSerializer,
    LossSerializer,
    NoticeSerializer,
    RegisterQuerySerializer,
    VoidSerializer,
)


class InvoiceBookViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invoice books (R-INV-1): received by finance or the desk supervisor; `GET` by code."""

    queryset = InvoiceBook.objects.select_related("received_by").order_by("first_value")
    serializer_class = BookSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["status"]
    ordering = ["first_value"]

    @extend_schema(request=BookInputSerializer, responses={201: BookSerializer})
    def create(self, request, *args, **kwargs):
        data = BookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        book = services.invoice_book_receive(code=d["code"], first_number=d["first_number"], count=d["count"],
                                             face_limit=d["face_limit"], note=d["note"], user=request.user)
        return Response(BookSerializer(book).data, status=status.HTTP_201_CREATED)


class InvoiceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices (R-INV-2…6): issue from scanned receipts, read by number, void, stubs to finance."""

    queryset = (Invoice.objects.select_related("book", "issued_by", "voided_by")
                .prefetch_related("receipt_parts__receipt"))
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    ordering_fields = ["issued_at", "amount"]
    action_permissions = {
        "create": ["invoices.issue_invoice"],
        "void": ["invoices.void_invoice"],
        "stub": ["invoices.hand_over_stubs"],
    }

    def get_object(self):
        invoice = self.get_queryset().filter(number=self.kwargs["number"]).first()
        if invoice is None:
            raise Http404
        return invoice

    @extend_schema(request=InvoiceInputSerializer, responses={201: InvoiceSerializer})
    def create(self, request, *args, **kwargs):
        data = InvoiceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = services.invoice_issue(**data.service_kwargs(), user=request.user)
        return Response(InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoidSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, number=None):
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = services.invoice_void(invoice=self.get_object(), reason=data.validated_data["reason"],
                                        user=request.user)
        return Response(InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(request=None, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def stub(self, request, number=None):
        """R-INV-6: this invoice's stub was handed to finance."""
        invoice = self.get_object()
        services.invoice_stubs_hand_over(invoices=[invoice], user=request.user)
        return Response(InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data)


class InvoiceLossViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Lost invoices (R-INV-7): report, the desk supervisor's signature, the public notice; `?overdue=true`."""

    queryset = InvoiceLoss.objects.select_related("book", "reported_by", "signed_by")
    serializer_class = LossSerializer
    filterset_class = InvoiceLossFilter
    ordering_fields = ["reported_at", "notice_due"]
    action_permissions = {
        "sign": ["invoices.view_invoiceloss"],  # the service answers 403 R-INV-7 without invoices.sign_loss
        "notice": ["invoices.record_loss_notice"],
    }

    @extend_schema(request=LossInputSerializer, responses={201: LossSerializer})
    def create(self, request, *args, **kwargs):
        data = LossInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        loss = services.invoice_loss_report(book=d["book"], numbers=d["numbers"], reason=d["reason"], user=request.user)
        return Response(LossSerializer(self.get_queryset().get(pk=loss.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LossSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        loss = services.invoice_loss_sign(loss=self.get_object(), user=request.user)
        return Response(LossSerializer(self.get_queryset().get(pk=loss.pk)).data)

    @extend_schema(request=NoticeSerializer, responses=LossSerializer)
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        data = NoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        loss = services.invoice_loss_notice(loss=self.get_object(), user=request.user, **data.validated_data)
        return Response(LossSerializer(self.get_queryset().get(pk=loss.pk)).data)


def _month(month: str) -> str:
    if rules.parse_month(month) is None:
        raise ValidationError({"month": ["Use YYYY-MM."]})
    return month


# The report's month in the path, documented as what `_month` accepts (a 400 answers the rest).
MONTH_PATH = OpenApiParameter("month", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
                              description="YYYY-MM")


class InvoiceReportApi(APIView):
    """`GET /api/v1/invoices/reports/2026-11/` (finance, desk supervisor): the monthly report (R-INV-8)."""

    permission_classes = [HasPerms.of("invoices.report_invoices")]

    @extend_schema(parameters=[MONTH_PATH], responses={200: dict})
    def get(self, request, month: str):
        return Response(selectors.monthly_report(month=_month(month)).as_dict())


class InvoiceReportPdfApi(APIView):
    permission_classes = [HasPerms.of("invoices.report_invoices")]

    @extend_schema(parameters=[MONTH_PATH], responses={(200, "application/pdf"): bytes})
    def get(self, request, month: str):
        report = selectors.monthly_report(month=_month(month))
        response = HttpResponse(monthly_report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="invoices-{month}.pdf"'
        return response


class InvoiceReportXlsxApi(APIView):
    permission_classes = [HasPerms.of("invoices.report_invoices")]

    @extend_schema(parameters=[MONTH_PATH], responses={(200, exports.XLSX): bytes})
    def get(self, request, month: str):
        report = selectors.monthly_report(month=_month(month))
        response = HttpResponse(exports.monthly_report_xlsx(report), content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="invoices-{month}.xlsx"'
        return response


class _FileNegotiation(DefaultContentNegotiation):
    """`?format=csv|xlsx` names the file, not a DRF renderer (which would answer 404 for it)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class InvoiceRegisterApi(APIView):
    """`GET /api/v1/invoices/register/?month=2026-11&format=csv|xlsx` (finance): the month's invoice register,
    streamed (R-FIN-1); finance's export endpoint calls the same `invoices.exports`."""

    permission_classes = [HasPerms.of("invoices.report_invoices")]
    content_negotiation_class = _FileNegotiation

    @extend_schema(parameters=[RegisterQuerySerializer], responses={(200, "text/csv"): bytes, (200, exports.XLSX): bytes})
    def get(self, request):
        query = RegisterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return exports.register_response(month=query.validated_data["month"], fmt=query.validated_data["format"])
