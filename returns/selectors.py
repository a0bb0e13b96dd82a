"""Reads of the returns app."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from receipts.models import Receipt
from servicedesk.errors import RuleViolation

from .choices import ReturnReason, ReturnStatus
from .models import ReturnLine, ReturnPolicy, ReturnRequest


def return_policy_in_force(*, on: date) -> ReturnPolicy:
    policy = ReturnPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if policy is None:
        raise RuleViolation(_("No return policy is in force on %(day)s.") % {"day": on}, code="no_policy")
    return policy


def returned_quantities(*, receipt: Receipt) -> dict[int, int]:
    """Pieces of each receipt line (by line_no) already on a slip that was not rejected."""
    rows = (ReturnLine.objects.filter(receipt_line__receipt=receipt)
            .exclude(return_request__status=ReturnStatus.REJECTED)
            .values("receipt_line__line_no").annotate(n=Sum("quantity")))
    return {row["receipt_line__line_no"]: row["n"] for row in rows}


def returns_list() -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.select_related(
        "receipt", "created_by", "counter_checked_by", "approved_by", "loss_prevention_by", "refunded_by",
        "rejected_by", "price_confirmed_by")


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
