"""R-RET-13 clawback: what the purchase earned must come back with the goods, or its cash value is
deducted from the refund.

Returns knows no benefit by name: every app that ties a benefit to a receipt registers a refund source
(servicedesk.extensions.refund_sources) from its AppConfig.ready() — members the points, gifts the
campaign gifts. This module builds the context the sources see and sums what they answer."""

from __future__ import annotations

from servicedesk.extensions import RefundContext, RefundItem, refund_apply, refund_quote

from .rules import ZERO, ClawbackFacts, PolicyFacts

ClawbackItem = RefundItem  # what a source answers, as the returns app calls it


def refund_context(*, receipt, returned: dict[int, int], policy: PolicyFacts, earlier_returned: dict[int, int] | None = None,
                   gifts_returned: bool = False, reference: str = "", user=None) -> RefundContext:
    return RefundContext(receipt=receipt, returned=returned, earlier_returned=earlier_returned or {},
                         point_cash_value=policy.point_cash_value, gifts_returned=gifts_returned, reference=reference,
                         user=user)


def clawback_quote(ctx: RefundContext) -> list[RefundItem]:
    return refund_quote(ctx)


def clawback_apply(ctx: RefundContext) -> list[RefundItem]:
    """Call inside the refund's transaction: a source that fails rolls the refund back."""
    return refund_apply(ctx)


def clawback_facts(items: list[RefundItem]) -> ClawbackFacts:
    return ClawbackFacts(points_reversed=sum(i.reversed_points for i in items),
                         cash_amount=sum((i.cash_amount for i in items), ZERO))


def gifts_to_return(items: list[RefundItem]) -> list[dict]:
    """What the customer may hand back instead of having its value deducted (the quote's `gifts_to_return`)."""
    return [dict(i.returnable) for i in items if i.returnable]
