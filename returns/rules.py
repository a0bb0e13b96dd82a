"""Pure return policy (domain-rules.md §3): eligibility, refund amounts, approval level and the sign-off
chain. Plain values in, a decision out; no ORM, no clock (callers pass `today`, the store-local date).

A decision names every rule that decided it (R-RET-…) and keeps findings (rule + message key + numbers)
that `returns/explain.py` turns into plain words for the counter page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

CHANGE_OF_MIND = "change_of_mind"
QUALITY = "quality"
MISUSE = "misuse"
STORE_AT_FAULT = ("price_tag_misleading", "staff_misleading")
REASONS = (CHANGE_OF_MIND, QUALITY, MISUSE, *STORE_AT_FAULT)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PolicyFacts:
    """The policy in force, as plain values (ReturnPolicy.facts())."""

    change_of_mind_days: dict[str, int]  # R-RET-5, per category
    quality_days: dict[str, int]  # R-RET-6 toys, R-RET-7 shoes: quality returns only inside the window
    excluded_categories: tuple[str, ...]  # R-RET-3: no return without a quality problem
    opened_excluded_categories: tuple[str, ...]  # R-RET-3: excluded once opened (cosmetics)
    high_value_unit_price: Decimal  # R-RET-4
    price_change_days: int  # R-RET-8
    approval_threshold: Decimal  # R-RET-11
    point_cash_value: dict[str, Decimal]  # R-RET-13, per wallet (dept / market)
    name: str = ""


@dataclass(frozen=True)
class Condition:
    """State of the goods and papers as the clerk sees them."""

    tags_intact: bool = True
    unused: bool = True
    opened: bool = False
    clean: bool = True
    altered: bool = False  # R-RET-3: garment cut or altered
    clearance: bool = False  # R-RET-3: sold as clearance (处理品)
    sales_slip: bool = True  # R-RET-1: the customer's copy of the sales slip is there


@dataclass(frozen=True)
class LineFacts:
    """One receipt line and what of it is still returnable."""

    line_no: int
    category: str
    unit_price: Decimal
    quantity: int
    already_returned: int = 0

    @property
    def returnable(self) -> int:
        return self.quantity - self.already_returned


@dataclass(frozen=True)
class LineRequest:
    line_no: int
    quantity: int
    current_unit_price: Decimal | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    key: str  # message key, see explain.py
    params: tuple[tuple[str, str], ...] = ()
    refuses: bool = False


@dataclass(frozen=True)
class LineDecision:
    line_no: int
    quantity: int
    eligible: bool
    findings: tuple[Finding, ...]
    paid_unit_price: Decimal
    refund_unit_price: Decimal
    refund_amount: Decimal

    @property
    def rules(self) -> tuple[str, ...]:
        return rule_ids(self.findings, refused_only=not self.eligible)


@dataclass(frozen=True)
class ReturnDecision:
    eligible: bool
    rules: tuple[str, ...]
    lines: tuple[LineDecision, ...]
    refund_amount: Decimal  # the goods refund (R-RET-8), before clawback
    clawback_amount: Decimal  # R-RET-13: cash value of what cannot be handed back
    points_reversed: int
    approval_level: str | None  # R-RET-11
    findings: tuple[Finding, ...] = field(default=())

    @property
    def net_refund(self) -> Decimal:
        return max(self.refund_amount - self.clawback_amount, ZERO) if self.eligible else ZERO


@dataclass(frozen=True)
class ClawbackFacts:
    """What the clawback sources report for the returned lines (returns/clawback.py)."""

    points_reversed: int = 0
    cash_amount: Decimal = ZERO


class ReturnInputError(ValueError):
    """The request itself is wrong (unknown line, too many pieces, missing current price). `key` and `params`
    name the sentence (explain.INPUT_MESSAGES) so the caller can say it in the user's language."""

    def __init__(self, code: str, field_name: str, key: str, **params):
        super().__init__(f"{code} {field_name} {key} {params}")
        self.code, self.field_name, self.key, self.params = code, field_name, key, params


def _rule_number(rule: str) -> int:
    return int(rule.rsplit("-", 1)[1])


def rule_ids(findings, *, refused_only: bool = False) -> tuple[str, ...]:
    chosen = {f.rule for f in findings if f.refuses or not refused_only}
    return tuple(sorted(chosen, key=_rule_number))


def days_since_purchase(*, purchased_on: date, today: date) -> int:
    """Calendar days in store time: the purchase day is day 0 (R-RET-5)."""
    return (today - purchased_on).days


def _p(**kw) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(v)) for k, v in kw.items())


def line_eligibility(*, line: LineFacts, reason: str, condition: Condition, quality_report_ref: str,
                     day: int, policy: PolicyFacts) -> tuple[bool, tuple[Finding, ...]]:
    """Whether one line may come back, with the findings that decided it (R-RET-1…7, 9, 10)."""
    if not condition.sales_slip:
        return False, (Finding("R-RET-1", "no_proof", refuses=True),)
    if reason == MISUSE:
        return False, (Finding("R-RET-2", "misuse", refuses=True),)
    if reason in STORE_AT_FAULT:
        # R-RET-9: the store is at fault, so exclusions, windows and the high-value line do not apply.
        return True, (Finding("R-RET-9", reason),)
    high_value = line.unit_price > policy.high_value_unit_price
    if reason == QUALITY:
        found: list[Finding] = []
        if high_value:
            if not quality_report_ref:
                return False, (Finding("R-RET-4", "high_value_needs_report",
                                       _p(limit=policy.high_value_unit_price, price=line.unit_price), refuses=True),)
            found.append(Finding("R-RET-4", "high_value_report", _p(ref=quality_report_ref)))
        window = policy.quality_days.get(line.category)
        if window is not None:
            rule = "R-RET-6" if line.category == "toys" else "R-RET-7"
            if day > window:
                return False, (Finding(rule, "quality_window_over", _p(days=window, day=day), refuses=True),)
            found.append(Finding(rule, "quality_window_ok", _p(days=window, day=day)))
        found.append(Finding("R-RET-10", "quality"))
        return True, tuple(found)
    if reason != CHANGE_OF_MIND:
        raise ReturnInputError("invalid", "reason", "unknown_reason", reason=reason)
    # Change of mind: no quality problem.
    if high_value:
        return False, (Finding("R-RET-4", "high_value_no_quality",
                               _p(limit=policy.high_value_unit_price, price=line.unit_price), refuses=True),)
    if line.category in policy.excluded_categories:
        return False, (Finding("R-RET-3", "excluded_category", _p(category=line.category), refuses=True),)
    if condition.opened and line.category in policy.opened_excluded_categories:
        return False, (Finding("R-RET-3", "excluded_opened", _p(category=line.category), refuses=True),)
    if condition.altered:
        return False, (Finding("R-RET-3", "excluded_altered", refuses=True),)
    if condition.clearance:
        return False, (Finding("R-RET-3", "excluded_clearance", refuses=True),)
    window = policy.change_of_mind_days.get(line.category)
    if window is None:
        return False, (Finding("R-RET-5", "no_change_of_mind", _p(category=line.category), refuses=True),)
    if not (condition.tags_intact and condition.unused and condition.clean):
        return False, (Finding("R-RET-5", "not_original_condition", refuses=True),)
    if day > window:
        return False, (Finding("R-RET-5", "window_over", _p(days=window, day=day), refuses=True),)
    return True, (Finding("R-RET-5", "window_ok", _p(days=window, day=day)),)


def refund_unit_price(*, paid: Decimal, current: Decimal | None, day: int, policy: PolicyFacts,
                      ) -> tuple[Decimal, Finding]:
    """R-RET-8: within the price-change days the price paid; after, the lower of paid and current (no current
    price given: taken as unchanged, the price paid)."""
    if day <= policy.price_change_days:
        return paid, Finding("R-RET-8", "price_within", _p(days=policy.price_change_days, price=paid))
    if current is None:  # R-RET-8 as now written: no current price given means the price has not changed
        return paid, Finding("R-RET-8", "price_unchanged", _p(days=policy.price_change_days, price=paid))
    if current < paid:
        return current, Finding("R-RET-8", "price_fallen", _p(days=policy.price_change_days, paid=paid, now=current))
    return paid, Finding("R-RET-8", "price_not_fallen", _p(days=policy.price_change_days, paid=paid, now=current))


def approval_level_for(*, refund_amount: Decimal, policy: PolicyFacts) -> str:
    """R-RET-11: ≤ threshold per slip the department supervisor, above it the operations manager."""
    return "dept_supervisor" if refund_amount <= policy.approval_threshold else "ops_manager"


def return_decide(*, lines: list[LineFacts], requests: list[LineRequest], reason: str, condition: Condition,
                  quality_report_ref: str, purchased_on: date, today: date, policy: PolicyFacts,
                  clawback: ClawbackFacts | None = None) -> ReturnDecision:
    """The whole slip: every requested line must be eligible; refund per line at the R-RET-8 price."""
    if reason not in REASONS:
        raise ReturnInputError("invalid", "reason", "unknown_reason", reason=reason)
    if not requests:
        raise ReturnInputError("invalid", "lines", "no_lines")
    by_no = {line.line_no: line for line in lines}
    seen: set[int] = set()
    for req in requests:
        if req.line_no in seen:
            raise ReturnInputError("invalid", "lines", "line_twice", line=req.line_no)
        seen.add(req.line_no)
        line = by_no.get(req.line_no)
        if line is None:
            raise ReturnInputError("invalid", "lines", "no_such_line", line=req.line_no)
        if req.quantity < 1:
            raise ReturnInputError("invalid", "lines", "quantity_min", line=req.line_no)
        if req.quantity > line.returnable:
            raise ReturnInputError("quantity_exceeds_receipt", "lines", "quantity_exceeds", line=req.line_no,
                                   asked=req.quantity, left=line.returnable, bought=line.quantity)
    day = days_since_purchase(purchased_on=purchased_on, today=today)
    if day < 0:
        raise ReturnInputError("invalid", "at", "before_purchase")
    decided: list[LineDecision] = []
    for req in requests:
        line = by_no[req.line_no]
        ok, found = line_eligibility(line=line, reason=reason, condition=condition,
                                     quality_report_ref=quality_report_ref, day=day, policy=policy)
        unit = line.unit_price
        if ok:
            unit, price_finding = refund_unit_price(paid=line.unit_price, current=req.current_unit_price, day=day,
                                                    policy=policy)
            found = (*found, price_finding)
        amount = _money(unit * req.quantity) if ok else ZERO
        decided.append(LineDecision(req.line_no, req.quantity, ok, found, line.unit_price, unit, amount))
    eligible = all(d.eligible for d in decided)
    findings = tuple(f for d in decided for f in d.findings)
    if not eligible:
        return ReturnDecision(False, rule_ids(findings, refused_only=True), tuple(decided), ZERO, ZERO, 0, None,
                              findings)
    refund = _money(sum((d.refund_amount for d in decided), ZERO))
    level = approval_level_for(refund_amount=refund, policy=policy)
    findings = (*findings, Finding("R-RET-11", f"approval_{level}", _p(threshold=policy.approval_threshold,
                                                                       amount=refund)))
    claw = clawback or ClawbackFacts()
    if claw.points_reversed or claw.cash_amount:
        findings = (*findings, Finding("R-RET-13", "clawback", _p(points=claw.points_reversed,
                                                                    amount=_money(claw.cash_amount))))
    return ReturnDecision(True, rule_ids(findings), tuple(decided), refund, _money(min(claw.cash_amount, refund)),
                          claw.points_reversed, level, findings)


# --- The sign-off chain (R-RET-12) as a transitions table ---------------------------------------------
@dataclass(frozen=True)
class Transition:
    step: str
    source: str
    target: str
    permission: str


SIGN_STEPS: dict[str, Transition] = {
    t.step: t
    for t in (
        Transition("counter_check", "awaiting_counter_check", "awaiting_approval", "returns.counter_check"),
        Transition("approve", "awaiting_approval", "awaiting_loss_prevention", "returns.approve_return"),
        Transition("loss_prevention", "awaiting_loss_prevention", "awaiting_refund", "returns.sign_loss_prevention"),
        Transition("refund", "awaiting_refund", "refunded", "returns.refund_return"),
    )
}
# Who may turn a slip down, and when: the counter when inspecting, the approver when approving.
# Who may turn a slip down, by status. The manual's flow: the counter staff identify the goods and sign
# (柜组员工…鉴别并签名确认); the supervisor or manager approves (审批) — and so decides a refusal. Counter staff
# who find a problem do not sign; an approver rejects (role review, issue 9).
REJECTABLE = {"awaiting_counter_check": "returns.approve_return", "awaiting_approval": "returns.approve_return"}


def sign_refusal(*, step: str, status: str, approval_level: str | None, is_creator: bool,
                 perms: frozenset[str]) -> tuple[int, str] | None:
    """Why `step` may not be signed now, as (HTTP-ish status, code), or None when it may (R-RET-11/12).

    403 wrong role / creator approving / over-limit approver; 409 step out of order."""
    transition = SIGN_STEPS.get(step)
    if transition is None:
        return 400, "invalid"
    if transition.permission not in perms:
        return 403, "R-RET-12"
    if step == "approve":
        if is_creator:
            return 403, "R-RET-11"
        if approval_level == "ops_manager" and "returns.approve_over_limit" not in perms:
            return 403, "R-RET-11"
    if status != transition.source:
        return 409, "R-RET-12"
    return None
