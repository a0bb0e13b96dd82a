"""Gifts API (api-contract.md, Gifts — R-GIFT-1…7): items, campaigns and their vouchers, deliveries,
issues, birthday gifts, the stock ledger, stocktakes and campaign close. Roles are checked on the server
(permissions of servicedesk/roles.py); every refusal is the contract's error format."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from receipts.models import Receipt
from servicedesk.api.pagination import DeskCursorPagination
from servicedesk.api.permissions import HasPerms
from servicedesk.errors import RuleViolation
from servicedesk.money import money_str

from .. import pdf, selectors, services
from ..models import GiftCampaign, GiftDelivery, GiftIssue, GiftItem, GiftVoucher, Stocktake
from . import serializers as s


def item_body(item: GiftItem) -> dict:
    return {"code": item.code, "name": item.name, "unit_value": money_str(item.unit_value), "on_hand": item.on_hand}


def campaign_body(c: GiftCampaign) -> dict:
    return {"code": c.code, "name": c.name, "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
            "side": c.side, "categories": list(c.categories or []), "min_spend": money_str(c.min_spend),
            "gift_item": c.gift_item.code, "quantity": c.quantity, "owner_department": c.owner_department or None,
            "status": c.status}


def issue_body(i: GiftIssue) -> dict:
    return {"id": i.pk, "campaign": i.campaign.code if i.campaign_id else None, "item": i.item.code,
            "quantity": i.quantity, "balance_after": i.balance_after}


def stocktake_body(t: Stocktake) -> dict:
    return {"id": t.pk, "item": t.item.code, "period": t.period, "expected": t.expected, "counted": t.counted,
            "variance": t.variance, "status": t.status}


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


PDF_TYPE = "application/pdf"
PDF_RESPONSE = {(200, PDF_TYPE): OpenApiTypes.BINARY}


class LedgerPagination(DeskCursorPagination):
    ordering = "-id"


class GiftItemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = GiftItem.objects.all()
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = s.ItemInSerializer
    filterset_fields = ["code"]
    action_permissions = {"create": ["gifts.add_giftitem"], "retrieve": ["gifts.view_giftitem"],
                          "list": ["gifts.view_giftitem"], "ledger": ["gifts.view_giftstockentry"]}

    @extend_schema(responses=s.ItemOutSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response([item_body(i) for i in page])

    @extend_schema(request=s.ItemInSerializer, responses={201: s.ItemOutSerializer})
    def create(self, request):
        data = s.ItemInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.gift_item_create(**data.validated_data, user=request.user)
        return Response(item_body(item), status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ItemOutSerializer)
    def retrieve(self, request, code=None):
        return Response(item_body(self.get_object()))

    @extend_schema(responses=s.GiftLedgerEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def ledger(self, request, code=None):
        item = self.get_object()
        paginator = LedgerPagination()
        page = paginator.paginate_queryset(selectors.item_ledger(item=item), request, view=self)
        return paginator.get_paginated_response(s.GiftLedgerEntrySerializer(page, many=True).data)


class GiftCampaignViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = GiftCampaign.objects.select_related("gift_item")
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = s.CampaignInSerializer
    filterset_fields = ["status", "side"]
    action_permissions = {"create": ["gifts.add_giftcampaign"], "retrieve": ["gifts.view_giftcampaign"],
                          "list": ["gifts.view_giftcampaign"], "vouchers": ["gifts.print_vouchers"],
                          "close": ["gifts.close_campaign"], "close_list": ["gifts.view_giftcampaign"]}

    @extend_schema(responses=s.CampaignOutSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response([campaign_body(c) for c in page])

    @extend_schema(request=s.CampaignInSerializer, responses={201: s.CampaignCreatedSerializer})
    def create(self, request):
        data = s.CampaignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.gift_campaign_create(**data.validated_data, user=request.user)
        return Response({"code": campaign.code, "status": campaign.status}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.CampaignOutSerializer)
    def retrieve(self, request, code=None):
        return Response(campaign_body(self.get_object()))

    @extend_schema(request=s.VouchersInSerializer, responses={201: s.VouchersOutSerializer})
    @action(detail=True, methods=["post"])
    def vouchers(self, request, code=None):
        data = s.VouchersInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.gift_vouchers_print(campaign=self.get_object(), count=data.validated_data["count"],
                                             user=request.user)
        serials = list(batch.vouchers.order_by("serial").values_list("serial", flat=True))
        return Response({"serials": serials, "batch": batch.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.CampaignClosedSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, code=None):
        campaign = services.campaign_close(campaign=self.get_object(), user=request.user)
        return Response({"code": campaign.code, "status": campaign.status,
                         "returned": campaign.close_summary.get("returned", [])})

    @extend_schema(responses=PDF_RESPONSE)
    @action(detail=True, methods=["get"], url_path="close-list.pdf", url_name="close-list")
    def close_list(self, request, code=None):
        campaign = self.get_object()
        if campaign.closed_at is None:
            raise RuleViolation("The campaign is not closed yet.", code="R-GIFT-6", fields={"status": [campaign.status]})
        return _pdf(pdf.campaign_close_pdf(campaign), f"{campaign.code}-close")


class GiftVoucherViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = GiftVoucher.objects.select_related("campaign")
    lookup_field = "serial"
    lookup_value_regex = "[^/]+"
    serializer_class = s.VoucherOutSerializer
    filterset_fields = ["status", "campaign__code"]
    action_permissions = {"retrieve": ["gifts.view_giftvoucher"], "list": ["gifts.view_giftvoucher"]}

    @staticmethod
    def body(v: GiftVoucher) -> dict:
        return {"serial": v.serial, "campaign": v.campaign.code, "status": v.status}

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response([self.body(v) for v in page])

    def retrieve(self, request, serial=None):
        voucher = get_object_or_404(self.get_queryset(), serial=(serial or "").upper())
        return Response(self.body(voucher))


class GiftDeliveryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = GiftDelivery.objects.select_related("item", "counted_by")
    serializer_class = s.DeliveryInSerializer
    filterset_fields = ["note_number"]
    action_permissions = {"create": ["gifts.add_giftdelivery"], "retrieve": ["gifts.view_giftdelivery"],
                          "list": ["gifts.view_giftdelivery"], "note": ["gifts.view_giftdelivery"]}

    @staticmethod
    def body(d: GiftDelivery) -> dict:
        return {"id": d.pk, "item": d.item.code, "quantity": d.quantity, "balance_after": d.balance_after,
                "note_number": d.note_number, "delivered_by": d.delivered_by, "counted_by": d.counted_by.username,
                "received_at": timezone.localtime(d.received_at).isoformat()}

    @extend_schema(responses=s.DeliveryOutSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response([self.body(d) for d in page])

    @extend_schema(request=s.DeliveryInSerializer, responses={201: s.StockMoveOutSerializer})
    def create(self, request):
        data = s.DeliveryInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = services.gift_delivery_receive(**data.validated_data, user=request.user)
        return Response({"id": delivery.pk, "item": delivery.item.code, "quantity": delivery.quantity,
                         "balance_after": delivery.balance_after}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.DeliveryOutSerializer)
    def retrieve(self, request, pk=None):
        return Response(self.body(self.get_object()))

    @extend_schema(responses=PDF_RESPONSE)
    @action(detail=True, methods=["get"], url_path="note.pdf", url_name="note")
    def note(self, request, pk=None):
        delivery = self.get_object()
        return _pdf(pdf.delivery_note_pdf(delivery), delivery.note_number)


class GiftIssueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = GiftIssue.objects.select_related("campaign", "item")
    serializer_class = s.IssueInSerializer
    filterset_fields = ["kind", "campaign__code"]
    action_permissions = {"create": ["gifts.issue_gift"], "retrieve": ["gifts.view_giftissue"],
                          "list": ["gifts.view_giftissue"], "form": ["gifts.view_giftissue"]}

    @extend_schema(responses=s.IssueOutSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response([issue_body(i) for i in page])

    @extend_schema(request=s.IssueInSerializer, responses={201: s.IssueOutSerializer})
    def create(self, request):
        data = s.IssueInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d.get("voucher_serial"):
            receipt = None
            if d.get("receipt"):
                receipt = Receipt.objects.filter(side=d["receipt"]["side"], number=d["receipt"]["number"]).first()
            issue = services.gift_issue_for_voucher(campaign=d["campaign"], serial=d["voucher_serial"],
                                                    receipt=receipt, user=request.user)
        else:
            issue = services.gift_issue_for_receipt(campaign=d["campaign"], side=d["receipt"]["side"],
                                                    number=d["receipt"]["number"], user=request.user)
        return Response(issue_body(issue), status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.IssueOutSerializer)
    def retrieve(self, request, pk=None):
        return Response(issue_body(self.get_object()))

    @extend_schema(responses=PDF_RESPONSE)
    @action(detail=True, methods=["get"], url_path="form.pdf", url_name="form")
    def form(self, request, pk=None):
        issue = self.get_object()
        if issue.kind != "birthday":
            raise RuleViolation("Only a birthday gift has a member gift form.", code="R-GIFT-5", fields={"id": [pk]})
        return _pdf(pdf.birthday_form_pdf(issue), f"GI-{issue.pk}")


class BirthdayGiftApi(APIView):
    """POST /api/v1/gifts/birthday/ (R-GIFT-5)."""

    permission_classes = [HasPerms.of("gifts.issue_gift")]

    @extend_schema(request=s.BirthdayInSerializer, responses={201: s.StockMoveOutSerializer})
    def post(self, request):
        data = s.BirthdayInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = services.gift_birthday_issue(**data.validated_data, user=request.user)
        return Response({"id": issue.pk, "item": issue.item.code, "quantity": issue.quantity,
                         "balance_after": issue.balance_after}, status=status.HTTP_201_CREATED)


class StocktakeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Stocktake.objects.select_related("item")
    serializer_class = s.StocktakeInSerializer
    filterset_fields = ["status", "period"]
    action_permissions = {"create": ["gifts.add_stocktake"], "retrieve": ["gifts.view_stocktake"],
                          "list": ["gifts.view_stocktake"], "explain": ["gifts.explain_variance"]}

    @extend_schema(responses=s.StocktakeOutSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response([stocktake_body(t) for t in page])

    @extend_schema(request=s.StocktakeInSerializer, responses={201: s.StocktakeOutSerializer})
    def create(self, request):
        data = s.StocktakeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        take = services.stocktake_record(**data.validated_data, user=request.user)
        return Response(stocktake_body(take), status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.StocktakeOutSerializer)
    def retrieve(self, request, pk=None):
        return Response(stocktake_body(self.get_object()))

    @extend_schema(request=s.ExplainInSerializer, responses=s.ExplainedOutSerializer)
    @action(detail=True, methods=["post"])
    def explain(self, request, pk=None):
        take = self.get_object()
        data = s.ExplainInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        take = services.stocktake_explain(stocktake=take, explanation=data.validated_data["explanation"],
                                          user=request.user)
        return Response({"status": take.status, "id": take.pk, "variance": take.variance})
