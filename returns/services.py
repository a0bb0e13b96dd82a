"""State changes of the returns app: quote, create, sign step by step, reject (R-RET-1…13)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from receipts.models import Receipt
from servicedesk.errors import Conflict, DomainError, NotAllowed, RuleViolation
from servicedesk.extensions import refund_pay
from servicedesk.numbering import number_next
from servicedesk.selectors import users_with_perm
from servicedesk.services import notifications_close

from . import clawback, events, explain, rules, selectors
from .choices import STORE_AT_FAULT_REASONS, ReturnKind, ReturnStatus
from .models import ReturnClawback, ReturnLine, ReturnPolicy, ReturnRequest

CONDITION_KEYS = ("tags_intact", "unused", "opened", "clean", "altered", "clearance", "sales_slip")


@dataclass
class Quote:
    receipt: Receipt
    policy: ReturnPolicy
    decision: rules.ReturnDecision
    clawbacks: list[clawback.ClawbackItem] = field(default_factory=list)

    @property
    def explanation(self) -> list[str]:
        return explain.explain(self.decision)


def _receipt(*, side: str, number: str, lock: bool) -> Receipt:
    qs = Receipt.objects.all()
    if lock:
        qs = qs.select_for_update()  # R-RET-12: one counter at a time returns pieces of this receipt
    receipt = qs.filter(side=side, number=number).first()
    if receipt is None:
        raise RuleViolation(_("No till receipt %(side)s %(number)s: without proof of purchase there is no return.")
                            % {"side": side, "number": number},
                            code="R-RET-1", fields={"receipt": "not found"})
    return receipt


def _decide(*, receipt: Receipt, lines: list[dict], reason: str, condition: dict, quality_report_ref: str,
            current_unit_price: Decimal | None, kind: str, now: datetime, gifts_returned: bool = False) -> Quote:
    today = timezone.localdate(now)
    policy = selectors.return_policy_in_force(on=today)
    facts = policy.facts()
    returned = selectors.returned_quantities(receipt=receipt)
    line_facts = [rules.LineFacts(line.line_no, line.category, line.unit_price, line.quantity,
                                  returned.get(line.line_no, 0)) for line in receipt.lines.all()]
    requests = [rules.LineRequest(int(item["line_no"]), int(item["quantity"]),
                                  item.get("current_unit_price", current_unit_price)) for item in lines]
    cond = rules.Condition(**{k: bool(v) for k, v in (condition or {}).items() if k in CONDITION_KEYS})
    decide = dict(lines=line_facts, requests=requests, reason=reason, condition=cond,
                  quality_report_ref=(quality_report_ref or "").strip(),
                  purchased_on=timezone.localdate(receipt.rung_at), today=today, policy=facts)
    try:
        decision = rules.return_decide(**decide)
        items: list[clawback.ClawbackItem] = []
        if decision.eligible and kind == ReturnKind.REFUND:
            ctx = clawback.refund_context(receipt=receipt, returned={r.line_no: r.quantity for r in requests},
                                          earlier_returned=returned, policy=facts, gifts_returned=gifts_returned)
            items = clawback.clawback_quote(ctx)
            if items:
                decision = rules.return_decide(**decide, clawback=clawback.clawback_facts(items))
    except rules.ReturnInputError as exc:
        message = explain.input_error_text(exc)
        raise RuleViolation(message, code=exc.code, fields={exc.field_name: message}) from exc
    return Quote(receipt, policy, decision, items)


def return_quote(*, side: str, number: str, lines: list[dict], reason: str, condition: dict | None = None,
                 quality_report_ref: str = "", current_unit_price: Decimal | None = None,
                 kind: str = ReturnKind.REFUND, at: datetime | None = None, gifts_returned: bool = False) -> Quote:
    """What the rules say about this return, without writing anything."""
    receipt = _receipt(side=side, number=number, lock=False)
    return _decide(receipt=receipt, lines=lines, reason=reason, condition=condition or {},
                   quality_report_ref=quality_report_ref, current_unit_price=current_unit_price, kind=kind,
                   now=at or timezone.now(), gifts_returned=gifts_returned)


def _current_price_given(lines: list[dict], current_unit_price: Decimal | None) -> bool:
    """R-RET-8: a current price was given (for the slip or a line): the desk user creating the slip confirmed it."""
    return current_unit_price is not None or any(item.get("current_unit_price") is not None for item in lines)


@transaction.atomic
def return_create(*, side: str, number: str, lines: list[dict], reason: str, user, condition: dict | None = None,
                  quality_report_ref: str = "", current_unit_price: Decimal | None = None,
                  kind: str = ReturnKind.REFUND, responsible_counter: str = "",
                  responsible_salesperson: str = "", gifts_returned: bool = False) -> ReturnRequest:
    """The desk fills the slip (R-RET-12 step 1). The receipt row is locked so that two counters can never
    return more pieces of a line than were bought."""
    receipt = _receipt(side=side, number=number, lock=True)
    quote = _decide(receipt=receipt, lines=lines, reason=reason, condition=condition or {},
                    quality_report_ref=quality_report_ref, current_unit_price=current_unit_price, kind=kind,
                    now=timezone.now(), gifts_returned=gifts_returned)
    decision = quote.decision
    if not decision.eligible:
        raise RuleViolation("; ".join(quote.explanation) or _("Not eligible for return."), code=decision.rules[0],
                            fields={"rules": list(decision.rules)})
    receipt_lines = {line.line_no: line for line in receipt.lines.all()}
    if reason in STORE_AT_FAULT_REASONS and not responsible_counter.strip():
        # R-RET-9: default to the counter that sold the first returned line.
        responsible_counter = receipt_lines[decision.lines[0].line_no].counter
    series = f"TH{timezone.localdate():%Y%m%d}"  # one gap-free series of slip numbers a day
    rr = ReturnRequest.objects.create(
        number=f"{series}{number_next(key=series):06d}", receipt=receipt, policy=quote.policy, kind=kind, reason=reason,
        condition={k: bool(v) for k, v in (condition or {}).items() if k in CONDITION_KEYS},
        quality_report_ref=(quality_report_ref or "").strip(), rules=list(decision.rules),
        explanation="\n".join(quote.explanation), findings=explain.findings_data(decision), refund_amount=decision.refund_amount,
        clawback_amount=decision.clawback_amount, points_reversed=decision.points_reversed,
        approval_level=decision.approval_level, payment_method=receipt.payment_method,
        responsible_counter=responsible_counter.strip(), responsible_salesperson=responsible_salesperson.strip(),
        gifts_returned=gifts_returned, created_by=user,
        price_confirmed_by=user if _current_price_given(lines, current_unit_price) else None,
    )
    ReturnLine.objects.bulk_create([
        ReturnLine(return_request=rr, receipt_line=receipt_lines[d.line_no], quantity=d.quantity,
                   paid_unit_price=d.paid_unit_price, refund_unit_price=d.refund_unit_price,
                   refund_amount=d.refund_amount, rules=list(d.rules))
        for d in decision.lines
    ])
    events.return_created_event(return_request=rr, user=user)
    return rr


def user_sign_perms(user) -> frozenset[str]:
    return frozenset(user.get_all_permissions()) if not user.is_superuser else frozenset(
        {t.permission for t in rules.SIGN_STEPS.values()} | {"returns.approve_over_limit"})


_SIGNATURE_FIELDS = {"counter_check": "counter_checked", "approve": "approved", "loss_prevention": "loss_prevention",
                     "refund": "refunded"}


@transaction.atomic
def return_sign(*, return_request: ReturnRequest, step: str, user) -> ReturnRequest:
    """One step of the chain (R-RET-12), signed by the right role; approval per R-RET-11; clawback
    (R-RET-13) is applied in the refund's transaction."""
    rr = ReturnRequest.objects.select_for_update().select_related("receipt", "policy").get(pk=return_request.pk)
    refusal = rules.sign_refusal(step=step, status=rr.status, approval_level=rr.approval_level,
                                 is_creator=rr.created_by_id == user.pk, perms=user_sign_perms(user))
    if refusal is not None:
        status, code = refusal
        if status == 403:
            raise NotAllowed(_refusal_text(step, code, rr), code=code, fields={"step": step})
        if status == 409:
            text = _("The slip is %(status)s; the %(step)s step is not next.")
            raise Conflict(text % {"status": rr.get_status_display(), "step": step}, code=code, fields={"step": step})
        raise DomainError(_("Unknown step %(step)s.") % {"step": step}, code=code, fields={"step": step})
    now = timezone.now()
    prefix = _SIGNATURE_FIELDS[step]
    setattr(rr, f"{prefix}_by", user)
    setattr(rr, f"{prefix}_at", now)
    rr.status = rules.SIGN_STEPS[step].target
    update = ["status", f"{prefix}_by", f"{prefix}_at", "updated_at"]
    if step == "refund" and rr.kind == ReturnKind.REFUND:
        earlier = selectors.returned_quantities(receipt=rr.receipt, excluding=rr)
        items = clawback.clawback_apply(clawback.refund_context(
            receipt=rr.receipt, returned=_returned(rr), earlier_returned=earlier, policy=rr.policy.facts(),
            gifts_returned=rr.gifts_returned, reference=rr.number, user=user))
        cash = sum((i.cash_amount for i in items), Decimal("0.00"))
        rr.clawback_amount = min(cash, rr.refund_amount)
        rr.points_reversed = sum(i.reversed_points for i in items)
        update += ["clawback_amount", "points_reversed"]
        ReturnClawback.objects.bulk_create([
            ReturnClawback(return_request=rr, source=i.source, description=i.description, reference=i.reference,
                           points=i.points, reversed_points=i.reversed_points, shortfall_points=i.shortfall_points,
                           cash_amount=i.cash_amount) for i in items])
        if items:
            events.return_clawed_back_event(return_request=rr, user=user, items=items)
        # Refund by the original payment method (R-RET-12): stored value goes back onto the card (members).
        refund_pay(receipt=rr.receipt, amount=rr.net_refund, reference=rr.number, user=user)
    rr.save(update_fields=update)
    events.return_signed_event(return_request=rr, step=step, user=user)
    if step == "approve":  # the approval requests sent to every possible approver are done
        notifications_close(keys=[_approve_key(rr)], reason=_("approved by %(user)s") % {"user": user.get_username()})
    if rr.status == ReturnStatus.AWAITING_APPROVAL:
        from .tasks import return_approvers_notify as return_approvers_notify_task

        transaction.on_commit(lambda: return_approvers_notify_task.delay(rr.pk))
    return rr


def _approve_key(rr: ReturnRequest) -> str:
    return f"return:{rr.pk}:approve"


def return_approvers_notify(*, return_request: ReturnRequest) -> int:
    """Tell the people who may approve this slip (R-RET-11 level, never its creator) that it waits for them.
    In-app only, once per slip and person."""
    from django.urls import reverse

    from servicedesk.services import notification_send

    if return_request.status != ReturnStatus.AWAITING_APPROVAL:
        return 0
    codename = "approve_over_limit" if return_request.approval_level == "ops_manager" else "approve_return"
    approvers = users_with_perm(f"returns.{codename}").exclude(pk=return_request.created_by_id)
    url = reverse("admin:returns_returnrequest_change", args=[return_request.pk])  # the slip, with its sign button
    title = _("Return slip %(number)s to approve (%(amount)s yuan)") % {
        "number": return_request.number, "amount": f"{return_request.refund_amount:.2f}"}
    sent = 0
    for approver in approvers:
        note = notification_send(recipient=approver, title=title, body=return_request.explanation, url=url,
                                 key=_approve_key(return_request), email=False)
        sent += note is not None
    return sent


def _returned(rr: ReturnRequest) -> dict[int, int]:
    return {line_no: qty for line_no, qty in rr.lines.values_list("receipt_line__line_no", "quantity")}


def approve_blocked_reason(*, return_request: ReturnRequest, user) -> str:
    """Why this user, who approves slips, may not approve this one, in words for the slip page (R-RET-11);
    "" when they may, or when approving is not their job or not the slip's next step."""
    rr = return_request
    perms = user_sign_perms(user)
    if rr.status != ReturnStatus.AWAITING_APPROVAL or rules.SIGN_STEPS["approve"].permission not in perms:
        return ""
    if rr.created_by_id == user.pk:
        return _("You filled in this slip, so you may not approve it: another approver signs (R-RET-11).")
    if rr.approval_level == "ops_manager" and "returns.approve_over_limit" not in perms:
        return _("The refund of ¥%(amount)s is over your limit of ¥%(limit)s: the operations manager (or GM / "
                 "deputy GM) must approve this slip (R-RET-11).") % {
            "amount": f"{rr.refund_amount:.2f}", "limit": f"{rr.policy.approval_threshold:.2f}"}
    return ""


def _refusal_text(step: str, code: str, rr: ReturnRequest) -> str:
    if code == "R-RET-11" and step == "approve":
        if rr.approval_level == "ops_manager":
            return _("Refund above the supervisor limit: the operations manager (or GM) approves; never the slip's "
                     "creator.")
        return _("The person who filled in the slip can never approve it.")
    return _("Your role may not sign the %(step)s step.") % {"step": step}


@transaction.atomic
def return_reject(*, return_request: ReturnRequest, user, reason: str) -> ReturnRequest:
    """The counter (on inspection) or the approver turns the slip down; its pieces become returnable again."""
    rr = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Say why the return is rejected."), code="invalid", fields={"reason": "required"})
    perms = user_sign_perms(user)
    needed = rules.REJECTABLE.get(rr.status)
    if needed is None:
        raise Conflict(_("The slip is %(status)s; it can no longer be rejected.") % {"status": rr.get_status_display()},
                       code="R-RET-12")
    if needed not in perms:
        raise NotAllowed(_("Your role may not reject the slip at this step."), code="R-RET-12")
    if rr.status == ReturnStatus.AWAITING_APPROVAL:
        refusal = rules.sign_refusal(step="approve", status=rr.status, approval_level=rr.approval_level,
                                     is_creator=rr.created_by_id == user.pk, perms=perms)
        if refusal is not None:
            raise NotAllowed(_refusal_text("approve", refusal[1], rr), code=refusal[1])
    rr.status, rr.rejected_by, rr.rejected_at, rr.reject_reason = ReturnStatus.REJECTED, user, timezone.now(), reason
    rr.save(update_fields=["status", "rejected_by", "rejected_at", "reject_reason", "updated_at"])
    events.return_rejected_event(return_request=rr, user=user, reason=reason)
    notifications_close(keys=[_approve_key(rr)], reason=_("rejected by %(user)s") % {"user": user.get_username()})
    return rr
