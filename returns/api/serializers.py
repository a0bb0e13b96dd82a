from rest_framework import serializers

from receipts.choices import Side
from servicedesk.money import money_str

from .. import explain
from ..choices import ReturnKind, ReturnReason, SignStep
from ..clawback import gifts_to_return
from ..models import ReturnClawback, ReturnEvent, ReturnLine, ReturnRequest


class ReceiptRefSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    number = serializers.CharField(max_length=40)


class LineRefSerializer(serializers.Serializer):
    line_no = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)
    current_unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                                  allow_null=True)


class ConditionSerializer(serializers.Serializer):
    tags_intact = serializers.BooleanField(default=True)
    unused = serializers.BooleanField(default=True)
    opened = serializers.BooleanField(default=False)
    clean = serializers.BooleanField(default=True)
    altered = serializers.BooleanField(default=False)
    clearance = serializers.BooleanField(default=False)
    sales_slip = serializers.BooleanField(default=True)


class ReturnInputSerializer(serializers.Serializer):
    """The body of `POST /returns/` (api-contract.md); `kind` and R-RET-9 responsibility are optional."""

    receipt = ReceiptRefSerializer()
    lines = LineRefSerializer(many=True, allow_empty=False)
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    condition = ConditionSerializer(required=False, allow_null=True)
    quality_report_ref = serializers.CharField(max_length=80, required=False, allow_null=True, allow_blank=True)
    current_unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                                  allow_null=True)
    kind = serializers.ChoiceField(choices=ReturnKind.choices, default=ReturnKind.REFUND)
    responsible_counter = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    responsible_salesperson = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    gifts_returned = serializers.BooleanField(required=False, default=False)  # R-RET-13: the gifts come back

    def service_kwargs(self) -> dict:
        data = self.validated_data
        lines = []
        for line in data["lines"]:
            item = {"line_no": line["line_no"], "quantity": line["quantity"]}
            if line.get("current_unit_price") is not None:
                item["current_unit_price"] = line["current_unit_price"]
            lines.append(item)
        return {"side": data["receipt"]["side"], "number": data["receipt"]["number"], "lines": lines,
                "reason": data["reason"], "condition": dict(data.get("condition") or {}),
                "quality_report_ref": data.get("quality_report_ref") or "",
                "current_unit_price": data.get("current_unit_price"), "kind": data["kind"],
                "gifts_returned": data.get("gifts_returned", False)}


class ReturnQuoteInputSerializer(ReturnInputSerializer):
    at = serializers.DateTimeField(required=False, allow_null=True)


class QuoteLineSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    quantity = serializers.IntegerField()
    eligible = serializers.BooleanField()
    rules = serializers.ListField(child=serializers.CharField())
    paid_unit_price = serializers.CharField()
    refund_unit_price = serializers.CharField()
    refund_amount = serializers.CharField()


class GiftToReturnSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    item = serializers.CharField()
    quantity = serializers.IntegerField()
    value = serializers.CharField()


class ReturnQuoteSerializer(serializers.Serializer):
    """The quote (api-contract.md): `rules` lists every rule that decided the outcome; `approval_level` is null
    when not eligible. `net_refund`, `lines`, `explanation` and `policy` are extra."""

    eligible = serializers.BooleanField()
    rules = serializers.ListField(child=serializers.CharField())
    refund_amount = serializers.CharField()
    clawback_amount = serializers.CharField()
    points_reversed = serializers.IntegerField()
    approval_level = serializers.CharField(allow_null=True)
    net_refund = serializers.CharField()
    lines = QuoteLineSerializer(many=True)
    explanation = serializers.ListField(child=serializers.CharField())
    policy = serializers.CharField()
    gifts_to_return = GiftToReturnSerializer(many=True)


def quote_body(quote) -> dict:
    d = quote.decision
    return {
        "eligible": d.eligible,
        "rules": list(d.rules),
        "refund_amount": money_str(d.refund_amount),
        "clawback_amount": money_str(d.clawback_amount),
        "points_reversed": d.points_reversed,
        "approval_level": d.approval_level,
        "net_refund": money_str(d.net_refund),
        "lines": [{"line_no": x.line_no, "quantity": x.quantity, "eligible": x.eligible, "rules": list(x.rules),
                   "paid_unit_price": money_str(x.paid_unit_price), "refund_unit_price": money_str(x.refund_unit_price),
                   "refund_amount": money_str(x.refund_amount)} for x in d.lines],
        "explanation": quote.explanation,
        "policy": str(quote.policy),
        "gifts_to_return": gifts_to_return(quote.clawbacks),
    }


class ReturnLineSerializer(serializers.ModelSerializer):
    line_no = serializers.IntegerField(source="receipt_line.line_no")
    sku = serializers.CharField(source="receipt_line.sku")
    description = serializers.CharField(source="receipt_line.description")

    class Meta:
        model = ReturnLine
        fields = ["line_no", "sku", "description", "quantity", "paid_unit_price", "refund_unit_price",
                  "refund_amount", "rules"]


class ReturnClawbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnClawback
        fields = ["source", "description", "reference", "points", "reversed_points", "shortfall_points",
                  "cash_amount", "created_at"]


class ReturnEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="user.username", default=None)

    class Meta:
        model = ReturnEvent
        fields = ["type", "parameters", "by", "created_at"]


class ReturnRequestSerializer(serializers.ModelSerializer):
    receipt = serializers.SerializerMethodField()
    price_confirmed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    net_refund = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    signatures = serializers.SerializerMethodField()

    class Meta:
        model = ReturnRequest
        fields = ["id", "number", "status", "kind", "reason", "receipt", "condition", "quality_report_ref", "rules",
                  "refund_amount", "clawback_amount", "net_refund", "points_reversed", "approval_level",
                  "payment_method", "responsible_counter", "responsible_salesperson", "reject_reason",
                  "price_confirmed_by", "signatures", "created_at"]

    def get_receipt(self, obj) -> dict:
        return {"side": obj.receipt.side, "number": obj.receipt.number}

    def get_signatures(self, obj) -> dict:
        names = {"created_by": (obj.created_by, obj.created_at), "counter_check": (obj.counter_checked_by,
                 obj.counter_checked_at), "approve": (obj.approved_by, obj.approved_at),
                 "loss_prevention": (obj.loss_prevention_by, obj.loss_prevention_at),
                 "refund": (obj.refunded_by, obj.refunded_at), "rejected": (obj.rejected_by, obj.rejected_at)}
        return {key: ({"by": user.username, "at": serializers.DateTimeField().to_representation(at)} if user else None)
                for key, (user, at) in names.items()}


class ReturnRequestDetailSerializer(ReturnRequestSerializer):
    lines = ReturnLineSerializer(many=True, read_only=True)
    clawbacks = ReturnClawbackSerializer(many=True, read_only=True)
    events = ReturnEventSerializer(many=True, read_only=True)
    explanation = serializers.SerializerMethodField(
        help_text="The slip's explanation, one sentence a line, in the request's language.")

    def get_explanation(self, obj) -> str:
        return "\n".join(explain.slip_explanation(obj))

    class Meta(ReturnRequestSerializer.Meta):
        fields = [*ReturnRequestSerializer.Meta.fields, "lines", "clawbacks", "events", "explanation"]


class SignSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=SignStep.choices)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ReturnPolicySerializer(serializers.ModelSerializer):
    class Meta:
        from ..models import ReturnPolicy

        model = ReturnPolicy
        fields = ["id", "effective_from", "change_of_mind_days", "quality_days", "excluded_categories",
                  "opened_excluded_categories", "high_value_unit_price", "price_change_days", "approval_threshold",
                  "point_cash_value_dept", "point_cash_value_market", "note"]
