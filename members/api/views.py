"""Members API (api-contract.md, Members): enrolment, card view, ledger, vouchers, replacement,
plus adjustments, gift redemption and member price quotes."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from members import rules, selectors, services
from members.choices import Wallet
from members.models import Card, PointsEntry
from servicedesk.api.pagination import DeskCursorPagination
from servicedesk.api.permissions import HasPerms
from servicedesk.errors import RuleViolation
from servicedesk.money import money_str

from .serializers import (
    AdjustInSerializer,
    CardStockInSerializer,
    CardStockSerializer,
    EnrolResultSerializer,
    EnrolSerializer,
    LedgerEntrySerializer,
    MemberCardSerializer,
    QuoteResultSerializer,
    QuoteSerializer,
    RedeemInSerializer,
    ReplaceInSerializer,
    ReplaceResultSerializer,
    VoucherInSerializer,
    VoucherResultSerializer,
)


def card_body(card: Card) -> dict:
    """GET /api/v1/members/{card_number}/ (phone masked, R-VIP-7)."""
    year = timezone.localdate().year
    return {
        "card_number": card.card_number, "tier": card.tier, "status": card.status, "name": card.member.name,
        "phone": card.member.masked_phone, "dept_points": card.dept_points, "market_points": card.market_points,
        "stored_value": money_str(card.stored_value),
        "year_spend": money_str(selectors.member_year_spend(member=card.member, year=year)),
        "birthday": card.member.birthday.isoformat() if card.member.birthday else None,
    }


class LedgerPagination(DeskCursorPagination):
    ordering = "-id"


class MemberViewSet(viewsets.GenericViewSet):
    queryset = Card.objects.select_related("member")
    lookup_field = "card_number"
    lookup_value_regex = "[^/]+"
    serializer_class = EnrolSerializer
    action_permissions = {
        "create": ["members.add_member", "members.add_card"],
        "retrieve": ["members.view_member"],
        "ledger": ["members.view_pointsentry"],
        "vouchers": ["members.redeem_points"],
        "replace": ["members.replace_card"],
        "adjust": ["members.adjust_points"],
        "redeem": ["members.redeem_points"],
    }

    @extend_schema(request=EnrolSerializer, responses={201: EnrolResultSerializer})
    def create(self, request):
        s = EnrolSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        q = d["qualification"]
        card = services.member_enrol(
            name=d["name"], phone=d["phone"], address=d["address"], id_type=d["id_type"], id_number=d["id_number"],
            birthday=d["birthday"], tier=d["tier"], kind=q["kind"],
            receipts=[(r["side"], r["number"]) for r in q["receipts"]], legacy_card_number=q["legacy_card_number"],
            user=request.user,
        )
        return Response({"card_number": card.card_number, "tier": card.tier, "status": card.status,
                         "issued_at": timezone.localtime(card.issued_at).isoformat()}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MemberCardSerializer)
    def retrieve(self, request, card_number=None):
        return Response(card_body(self.get_object()))

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=LedgerPagination)
    def ledger(self, request, card_number=None):
        card = self.get_object()
        page = self.paginate_queryset(PointsEntry.objects.filter(card=card).select_related("by"))
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)

    @extend_schema(request=VoucherInSerializer, responses={201: VoucherResultSerializer})
    @action(detail=True, methods=["post"])
    def vouchers(self, request, card_number=None):
        s = VoucherInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        voucher = services.voucher_exchange(card=self.get_object(), points=s.validated_data["points"], user=request.user)
        market = Card.objects.values_list("market_points", flat=True).get(pk=voucher.card_id)
        return Response({"serial": voucher.serial, "value": money_str(voucher.value), "market_points": market},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplaceInSerializer, responses={201: ReplaceResultSerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, card_number=None):
        s = ReplaceInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        rep = services.card_replace(card=self.get_object(), reason=s.validated_data["reason"],
                                    id_number=s.validated_data["id_number"], user=request.user)
        return Response({"old_card_number": rep.old_card.card_number, "card_number": rep.new_card.card_number,
                         "fee": money_str(rep.fee)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdjustInSerializer, responses={201: MemberCardSerializer})
    @action(detail=True, methods=["post"])
    def adjust(self, request, card_number=None):
        s = AdjustInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        delta = d["amount"] if d["wallet"] == Wallet.STORED_VALUE else d["points"]
        services.points_adjust(card=self.get_object(), wallet=d["wallet"], delta=delta, reason=d["reason"], user=request.user)
        return Response(card_body(self.get_object()), status=status.HTTP_201_CREATED)

    @extend_schema(request=RedeemInSerializer, responses={201: MemberCardSerializer})
    @action(detail=True, methods=["post"])
    def redeem(self, request, card_number=None):
        s = RedeemInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.points_redeem(card=self.get_object(), points=s.validated_data["points"],
                               reference=s.validated_data["reference"], user=request.user)
        return Response(card_body(self.get_object()), status=status.HTTP_201_CREATED)


class PricingQuoteApi(APIView):
    """POST /api/v1/pricing/quote/ (R-VIP-8): each line's member price and the total, for the tills."""

    permission_classes = [HasPerms.of("members.quote_price")]

    @extend_schema(request=QuoteSerializer, responses=QuoteResultSerializer)
    def post(self, request):
        s = QuoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        card = selectors.card_usable(card_number=s.validated_data["card_number"])
        if card is None:
            raise RuleViolation("The card is unknown or blocked.", code="card_not_usable",
                                fields={"card_number": [s.validated_data["card_number"]]})
        policy = selectors.policy_at(at=timezone.now())
        lines = []
        total = 0
        for line in s.validated_data["lines"]:
            facts = rules.LineFacts(line_no=line["line_no"], counter=line["counter"], category=line["category"],
                                    list_price=line["list_price"], unit_price=line["unit_price"], quantity=line["quantity"],
                                    bulk_discount=line["bulk_discount"], fresh=line["fresh"])
            price = rules.member_price(line=facts, tier=card.tier, policy=policy)
            total += price.amount
            lines.append({"line_no": price.line_no, "special_price": price.special_price, "factor": f"{price.factor:.3f}",
                          "unit_price": money_str(price.unit_price), "member_unit_price": money_str(price.member_unit_price),
                          "amount": money_str(price.amount), "rule": price.rule})
        return Response({"card_number": card.card_number, "tier": card.tier, "lines": lines, "total": money_str(total)})


class CardStockApi(APIView):
    """`GET/POST /api/v1/card-stock/` (R-CARD-3): blank card stock; a new installation has none, so the
    desk supervisor (or admin) receives cards here as well as in the admin. Reading needs view_cardstock."""

    def get_permissions(self):
        perm = "members.add_cardstockentry" if self.request.method == "POST" else "members.view_cardstock"
        return [HasPerms.of(perm)()]

    @extend_schema(responses=CardStockSerializer)
    def get(self, request):
        return Response(selectors.card_stock_status())

    @extend_schema(request=CardStockInSerializer, responses={201: CardStockSerializer})
    def post(self, request):
        s = CardStockInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.card_stock_receive(quantity=s.validated_data["quantity"], reason=s.validated_data["reason"],
                                    user=request.user)
        return Response(selectors.card_stock_status(), status=status.HTTP_201_CREATED)
