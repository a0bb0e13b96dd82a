"""What the members app plugs into the lower apps' extension points (servicedesk/extensions.py),
registered from MembersConfig.ready():

- the card lookup the till feed uses to tell a usable card (R-VIP-9, `card_not_usable`);
- the receipt hook: points (R-PTS-1..5), stored-value spend (R-RBT-4) and the gold → platinum upgrade
  (R-VIP-4), in the ingest transaction, for fed and imported receipts alike;
- the points refund source (R-RET-13): points earned on returned goods come back, or their cash value;
- the receipt facts (points earned and why) and the points panel on the receipt's admin page.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from django.utils.translation import gettext as _

from receipts.choices import PaymentMethod, ReceiptSource
from receipts.rows import row_maker
from receipts.sql import rows_insert
from servicedesk.errors import RuleViolation
from servicedesk.extensions import RefundContext, RefundItem
from servicedesk.money import money_str

from . import rules, selectors, services
from .models import ReceiptPoints

LINE_KEYS = ("line_no", "counter", "category", "list_price", "unit_price", "quantity", "bulk_discount", "fresh")


@cache
def _receipt_points_maker():
    return row_maker(ReceiptPoints, ("receipt", "card", "wallet", "points", "birthday_multiplier", "policy_id",
                                     "explanation", "created_at"))


class MembersCardLookup:
    name = "members"

    def usable_card(self, *, card_number: str):
        return selectors.card_usable(card_number=card_number)

    def usable_cards(self, *, card_numbers: list[str]) -> dict:
        """The batch feed's lookup: every usable card of a batch in one query."""
        return selectors.cards_usable(card_numbers=card_numbers)


class MembersOnReceipt:
    """R-PTS-1..5, R-RBT-4, R-VIP-4 for every stored receipt."""

    name = "members"

    def check(self, *, data, card, source, now):
        rung_at = data["rung_at"]
        # R-PTS-4: points only at swipe time; an older fed receipt naming a card is refused (过时不补积分).
        # An import of an older day is stored without points instead (the sale happened).
        if card is not None and source == ReceiptSource.FEED and rung_at < selectors.business_day_start(now=now):
            raise RuleViolation(_("Points are credited only on the business day the receipt was rung."), code="R-PTS-4",
                                fields={"rung_at": [rung_at.isoformat()]})
        if data["payment_method"] == PaymentMethod.STORED_VALUE and card is None:
            raise RuleViolation(_("Paying with stored value needs the member's card."), code="R-RBT-4",
                                fields={"card_number": ["required"]})

    def on_stored(self, *, receipt, card, source, now, user) -> dict:
        """Points, stored-value payment, year spend and upgrade in one card statement
        (services.receipt_card_settle); the balances come back from it, so the answer reads nothing again."""
        points, explanation, multiplier, policy_id = 0, {}, 1, None
        settled = None
        if card is None and receipt.card_number:
            explanation = {"refused": "card_not_usable"}
        elif card is not None:
            policy = selectors.policy_at(at=receipt.rung_at)
            if receipt.rung_at >= selectors.business_day_start(now=now):  # R-PTS-4, fed or imported
                lines = [rules.LineFacts(**{k: getattr(line, k) for k in LINE_KEYS}) for line in receipt.lines.all()]
                result = services.receipt_points_compute(receipt=receipt, card=card, lines=lines, policy=policy)
                points, multiplier, policy_id = result.points, result.birthday_multiplier, result.policy_id
                explanation = {**result.as_dict(), "tier": card.tier, "birthday": multiplier > 1}
            else:
                explanation = {"refused": "R-PTS-4"}
            settled = services.receipt_card_settle(receipt=receipt, card=card, points=points, policy=policy, user=user,
                                                   now=now)
        rows_insert(ReceiptPoints, [ReceiptPoints(receipt=receipt, card=card, wallet=receipt.side, points=points,
                                                  birthday_multiplier=multiplier, policy_id=policy_id,
                                                  explanation=explanation, created_at=now)])
        if settled is None:
            return {}
        return {"points_earned": points, "card_number": card.card_number,
                "member_balance": {"dept_points": settled.dept_points, "market_points": settled.market_points,
                                   "stored_value": money_str(settled.stored_value)}}


    def _points(self, *, receipt, card, now):
        """(points, explanation, multiplier, policy id) of a receipt naming a usable card (R-PTS-1..5)."""
        if receipt.rung_at < selectors.business_day_start(now=now):  # R-PTS-4, fed or imported
            return 0, {"refused": "R-PTS-4"}, 1, None
        policy = selectors.policy_at(at=receipt.rung_at)
        lines = [rules.LineFacts(**{k: getattr(line, k) for k in LINE_KEYS}) for line in receipt.lines.all()]
        result = services.receipt_points_compute(receipt=receipt, card=card, lines=lines, policy=policy)
        explanation = {**result.as_dict(), "tier": card.tier, "birthday": result.birthday_multiplier > 1}
        return result.points, explanation, result.birthday_multiplier, result.policy_id

    def on_stored_many(self, *, items, source, now, user) -> list[dict]:
        """The batch feed (issue 16): what on_stored does for each receipt, in order, with one card read,
        one card update and one insert each of ledger lines and receipt points for the whole list
        (services.receipts_card_settle_many; anything unusual there makes the caller settle one by one)."""
        rows, settle, answers = [], [], []
        make = _receipt_points_maker()
        for receipt, card in items:
            points, explanation, multiplier, policy_id = 0, {}, 1, None
            if card is None and receipt.card_number:
                explanation = {"refused": "card_not_usable"}
            elif card is not None:
                points, explanation, multiplier, policy_id = self._points(receipt=receipt, card=card, now=now)
                settle.append((receipt, card, points))
            rows.append(make(receipt, card, receipt.side, points, multiplier, policy_id, explanation, now))
        settled = iter(services.receipts_card_settle_many(items=settle, user=user, now=now))
        for (_receipt, card), row in zip(items, rows, strict=True):
            if card is None:
                answers.append({})
                continue
            s = next(settled)
            answers.append({"points_earned": row.points, "card_number": card.card_number,
                            "member_balance": {"dept_points": s.dept_points, "market_points": s.market_points,
                                               "stored_value": money_str(s.stored_value)}})
        rows_insert(ReceiptPoints, rows)
        return answers


class PointsRefund:
    """R-RET-13: the points the returned lines earned are reversed on the member's wallet; what the wallet
    no longer holds (spent, or settled by a rebate) is charged at the policy's cash value of a point.
    Keyed by the return slip: the same slip applied again takes nothing more."""

    name = "points"

    def _items(self, reversal: rules.PointsReversal, ctx: RefundContext, reference: str) -> list[RefundItem]:
        if not reversal.points:
            return []
        rate = Decimal(ctx.point_cash_value.get(reversal.wallet, Decimal("0.00")))
        cash = rules.shortfall_cash_value(shortfall_points=reversal.shortfall_points, rate=rate)
        label = _("department-store points") if reversal.wallet == "dept" else _("supermarket points")
        return [RefundItem(self.name, label, reference, reversal.points, reversal.reversed_points,
                           reversal.shortfall_points, cash, {"wallet": reversal.wallet})]

    def quote(self, ctx: RefundContext) -> list[RefundItem]:
        if not ctx.receipt.card_number:
            return []
        return self._items(selectors.points_reversal_quote(receipt=ctx.receipt, returned=dict(ctx.returned)), ctx, "")

    def apply(self, ctx: RefundContext) -> list[RefundItem]:
        if not ctx.receipt.card_number:
            return []
        reversal = services.points_reverse_for_return(receipt=ctx.receipt, returned=dict(ctx.returned),
                                                      reference=ctx.reference, user=ctx.user)
        return self._items(reversal, ctx, ctx.reference)


class StoredValuePayout:
    """R-RET-12 / R-RBT-4: a receipt paid with stored value is refunded onto the card (the holder's current one)."""

    name = "stored_value"

    def pay(self, *, receipt, amount, reference, user) -> bool:
        if receipt.payment_method != PaymentMethod.STORED_VALUE:
            return False
        services.stored_value_refund(receipt=receipt, amount=amount, reference=reference, user=user)
        return True


class PointsOnReceiptFacts:
    name = "members"

    def for_receipts(self, *, receipts):
        rows = ReceiptPoints.objects.filter(receipt__in=[r.pk for r in receipts]).values_list(
            "receipt_id", "points", "explanation")
        found = {pk: {"points_earned": points, "points_explanation": explanation} for pk, points, explanation in rows}
        return {r.pk: found.get(r.pk, {"points_earned": 0, "points_explanation": None}) for r in receipts}


class PointsLedgerCheck:
    """R-PTS-6: each card's dept/market points and stored value equal the sums of its ledger."""

    name = "points"

    def mismatches(self) -> list[str]:
        return [f"{m['card_number']}: dept {m['dept']} market {m['market']} stored_value {m['stored_value']}"
                for m in selectors.ledgers_mismatched()]


def register() -> None:
    from servicedesk import extensions

    from .admin_panels import ReceiptPointsInline

    extensions.card_lookup.register(MembersCardLookup())
    extensions.receipt_hooks.register(MembersOnReceipt())
    extensions.refund_sources.register(PointsRefund())
    extensions.refund_payouts.register(StoredValuePayout())
    extensions.receipt_facts.register(PointsOnReceiptFacts())
    extensions.ledger_checks.register(PointsLedgerCheck())
    extensions.admin_inlines.register(extensions.AdminInline("members.points", "receipts.receipt", ReceiptPointsInline))
    policy_memo_connect()


def policy_memo_connect() -> None:
    """Drop the memoised policy (members.selectors.policy_at) on commit of any change to its rows."""
    from django.db.models.signals import post_delete, post_save

    from .models import CategoryRate, CounterRate, MemberPolicy, PromotionRule, RebateBracket, VoucherRate

    for model in (MemberPolicy, CategoryRate, CounterRate, RebateBracket, VoucherRate, PromotionRule):
        for signal in (post_save, post_delete):
            signal.connect(selectors.policy_row_changed, sender=model, dispatch_uid=f"members.policy_memo.{model.__name__}")
