"""Reads of the returns app."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from receipts.models import Receipt
from servicedesk.policies import policy_in_force

from .choices import ReturnReason, ReturnStatus
from .models import ReturnLine, ReturnPolicy, ReturnRequest


def return_policy_in_force(*, on: date) -> ReturnPolicy:
    return policy_in_force(ReturnPolicy, at=on)  # the one lookup and fallback (servicedesk/policies.py)


def receipt_for_return(*, side: str, number: str) -> Receipt | None:
    """The receipt the clerk scanned. The number says its side (an `M…` receipt is the supermarket's), so a
    side picked wrongly on the form does not hide it: when the chosen side has no such number but exactly
    one side does, that one is meant."""
    receipt = Receipt.objects.filter(side=side, number=number).first()
    if receipt is None:
        found = list(Receipt.objects.filter(number=number)[:2])
        receipt = found[0] if len(found) == 1 else None
    return receipt


def returned_quantities(*, receipt: Receipt, excluding: ReturnRequest | None = None) -> dict[int, int]:
    """Pieces of each receipt line (by line_no) already on a slip that was not rejected (other than `excluding`)."""
    lines = ReturnLine.objects.filter(receipt_line__receipt=receipt).exclude(return_request__status=ReturnStatus.REJECTED)
    if excluding is not None:
        lines = lines.exclude(return_request=excluding)
    rows = (lines.values("receipt_line__line_no").annotate(n=Sum("quantity")))
    return {row["receipt_line__line_no"]: row["n"] for row in rows}


def returns_list() -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.select_related(
        "receipt", "created_by", "counter_checked_by", "approved_by", "loss_prevention_by", "refunded_by",
        "rejected_by")


def return_detail(*, pk: int) -> ReturnRequest:
    return returns_list().prefetch_related("lines__receipt_line", "clawbacks", "events__user").get(pk=pk)


def returns_awaiting_approval(*, user) -> QuerySet[ReturnRequest]:
    """R-RET-11: the slips this user may approve now (never their own; over-limit only with that power)."""
    qs = (ReturnRequest.objects.filter(status=ReturnStatus.AWAITING_APPROVAL).exclude(created_by=user)
          .select_related("receipt", "created_by").order_by("created_at", "id"))
    if not user.has_perm("returns.approve_return"):
        return qs.none()
    if not user.has_perm("returns.approve_over_limit"):
        qs = qs.filter(approval_level="dept_supervisor")
    return qs


def returns_waiting_for(*, user) -> dict[str, int]:
    """What waits for the user's role, status → count (for the dashboard tile), in one query."""
    perms = {
        ReturnStatus.AWAITING_COUNTER_CHECK: "returns.counter_check",
        ReturnStatus.AWAITING_LOSS_PREVENTION: "returns.sign_loss_prevention",
        ReturnStatus.AWAITING_REFUND: "returns.refund_return",
    }
    aggregates = {status.value: Count("id", filter=Q(status=status)) for status, perm in perms.items()
                  if user.has_perm(perm)}
    if user.has_perm("returns.approve_return"):
        condition = Q(status=ReturnStatus.AWAITING_APPROVAL) & ~Q(created_by=user)
        if not user.has_perm("returns.approve_over_limit"):
            condition &= Q(approval_level="dept_supervisor")
        aggregates[ReturnStatus.AWAITING_APPROVAL.value] = Count("id", filter=condition)
    if not aggregates:
        return {}
    return ReturnRequest.objects.filter(status__in=list(aggregates)).aggregate(**aggregates)


def returns_by_responsible(*, year: int, month: int) -> QuerySet:
    """R-RET-9: store-at-fault returns of one month, per responsible counter and salesperson."""
    return (ReturnRequest.objects
            .filter(created_at__year=year, created_at__month=month,
                    reason__in=[ReturnReason.PRICE_TAG_MISLEADING, ReturnReason.STAFF_MISLEADING])
            .exclude(status=ReturnStatus.REJECTED)
            .values("responsible_counter", "responsible_salesperson", "reason")
            .annotate(slips=Count("id"), refund=Sum("refund_amount"))
            .order_by("responsible_counter", "responsible_salesperson", "reason"))
