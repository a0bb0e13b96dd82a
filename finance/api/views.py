"""Finance API (api-contract.md, Finance R-FIN): a month's ledger as a file, a month's status and totals,
the close, and the administrator's reopen."""

from __future__ import annotations

import tempfile

from django.core.files.storage import default_storage
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.permissions import HasPerms
from servicedesk.errors import RuleViolation
from servicedesk.periods import month_key, month_parse

from .. import exports, selectors, services

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "pdf": "application/pdf"}


def period_body(status: dict) -> dict:
    closed_at = status["closed_at"]
    return {"month": status["month"], "status": status["status"],
            "closed_at": timezone.localtime(closed_at).isoformat() if closed_at else None,
            "totals": services.totals_json(status["totals"])}


def stored_file_response(job) -> FileResponse:
    """A stored export, byte for byte as written (a closed month's files never change)."""
    response = FileResponse(default_storage.open(job.file, "rb"), as_attachment=True, filename=job.filename,
                            content_type=CONTENT_TYPES[job.format])
    response["X-Content-SHA256"] = job.sha256
    return response


def live_file_response(*, ledger, month: str, fmt: str):
    """An open month's file made now: CSV streams as it is read; XLSX is written row by row to a temp file."""
    name = f"{ledger.name}-{month}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(ledger=ledger, month=month), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    tmp = tempfile.TemporaryFile()
    exports.write_xlsx(tmp, ledger=ledger, month=month)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])


class _JsonErrors:
    """`format` is this API's own query parameter (csv|xlsx), not DRF's renderer switch: answers and errors are JSON."""

    def perform_content_negotiation(self, request, force=False):
        return JSONRenderer(), JSONRenderer.media_type


class FinanceExportApi(_JsonErrors, APIView):
    permission_classes = [HasPerms.of("finance.add_exportjob")]

    @extend_schema(parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM"),
                               OpenApiParameter("format", str, enum=["csv", "xlsx"])],
                   responses={(200, "text/csv"): bytes})
    def get(self, request, ledger: str):
        found = selectors.ledger_get(ledger)
        if found is None:
            raise exceptions.NotFound(f"unknown ledger {ledger!r}")
        month = month_parse(request.query_params.get("month", ""))
        fmt = request.query_params.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            raise RuleViolation("format is csv or xlsx", code="invalid", fields={"format": [fmt]})
        close = selectors.month_close_active(month=month)
        if close is not None:  # R-FIN-2: the stored file, byte-identical on every download
            return stored_file_response(services.frozen_file(close=close, ledger_name=ledger, fmt=fmt))
        return live_file_response(ledger=found, month=month_key(month), fmt=fmt)


class PeriodTotalsSerializer(serializers.Serializer):
    points_earned = serializers.IntegerField()
    points_spent = serializers.IntegerField()
    stored_value_in = serializers.CharField()
    stored_value_out = serializers.CharField()
    gifts_issued = serializers.IntegerField()
    invoices_amount = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    """`GET /api/v1/finance/periods/{month}/` and the close (api-contract.md, Finance)."""

    month = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "closed"])
    closed_at = serializers.DateTimeField(allow_null=True, required=False)
    totals = PeriodTotalsSerializer()


class ReopenInSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PeriodApi(_JsonErrors, APIView):
    permission_classes = [HasPerms.of("finance.view_monthclose")]

    @extend_schema(responses=PeriodSerializer)
    def get(self, request, month: str):
        return Response(period_body(selectors.month_status(month=month_parse(month))))


class PeriodCloseApi(_JsonErrors, APIView):
    permission_classes = [HasPerms.of("finance.close_period")]

    @extend_schema(request=None, responses=PeriodSerializer)
    def post(self, request, month: str):
        close = services.month_close(month=month_parse(month), user=request.user)
        return Response(period_body({"month": month_key(close.month), "status": "closed", "closed_at": close.closed_at,
                                     "totals": close.totals}))


class PeriodReopenApi(_JsonErrors, APIView):
    """Not in the contract: the administrator's audited reopen, `{"reason"}` → the open month's body."""

    permission_classes = [HasPerms.of("finance.reopen_period")]

    @extend_schema(request=ReopenInSerializer, responses=PeriodSerializer)
    def post(self, request, month: str):
        services.month_reopen(month=month_parse(month), user=request.user, reason=str(request.data.get("reason", "")))
        return Response(period_body(selectors.month_status(month=month_parse(month))))
