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
    EnrolSerializer,
    LedgerEntrySerializer,
    QuoteSerializer,
    RedeemInSerializer,
    ReplaceInSerializer,
    VoucherInSerializer,
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

    def retrieve(self, request, card_number=None):
        return Response(card_body(self.get_object()))

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def ledger(self, request, card_number=None):
        card = self.get_object()
        paginator = LedgerPagination()
        page = paginator.paginate_queryset(PointsEntry.objects.filter(card=card).select_related("by"), request, view=self)
        data = LedgerEntrySerializer(page, many=True).data
        return Response({"results": data, "next": paginator.get_next_link(), "previous": paginator.get_previous_link()})

    @extend_schema(request=VoucherInSerializer)
    @action(detail=True, methods=["post"])
    def vouchers(self, request, card_number=None):
        s = VoucherInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        voucher = services.voucher_exchange(card=self.get_object(), points=s.validated_data["points"], user=request.user)
        market = Card.objects.values_list("market_points", flat=True).get(pk=voucher.card_id)
        return Response({"serial": voucher.serial, "value": money_str(voucher.value), "market_points": market},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplaceInSerializer)
    @action(detail=True, methods=["post"])
    def replace(self, request, card_number=None):
        s = ReplaceInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        rep = services.card_replace(card=self.get_object(), reason=s.validated_data["reason"],
                                    id_number=s.validated_data["id_number"], user=request.user)
        return Response({"old_card_number": rep.old_card.card_number, "card_number": rep.new_card.card_number,
                         "fee": money_str(rep.fee)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdjustInSerializer)
    @action(detail=True, methods=["post"])
    def adjust(self, request, card_number=None):
        s = AdjustInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        delta = d["amount"] if d["wallet"] == Wallet.STORED_VALUE else d["points"]
        services.points_adjust(card=self.get_object(), wallet=d["wallet"], delta=delta, reason=d["reason"], user=request.user)
        return Response(card_body(self.get_object()), status=status.HTTP_201_CREATED)

    @extend_schema(request=RedeemInSerializer)
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

    @extend_schema(request=QuoteSerializer, responses=dict)
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
