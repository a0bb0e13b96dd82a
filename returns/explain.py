"""Plain words for the findings of rules.return_decide(), shown on the counter page and the slip."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from receipts.choices import Category

from .rules import Finding, ReturnDecision, ReturnInputError

MESSAGES = {
    "no_proof": _("No till receipt and customer copy of the sales slip: no return or exchange."),
    "misuse": _("The fault comes from the customer's use, washing or care: no return."),
    "price_tag_misleading": _("A misleading price tag misled the customer: the return is allowed."),
    "staff_misleading": _("A salesperson's advice misled the customer: the return is allowed and the salesperson "
                          "is recorded as responsible."),
    "high_value_needs_report": _("Unit price %(price)s is above %(limit)s: a quality return needs a "
                                 "quality-inspection report reference."),
    "high_value_report": _("High-value goods: quality-inspection report %(ref)s."),
    "high_value_no_quality": _("Unit price %(price)s is above %(limit)s: no return without a quality problem."),
    "quality_window_over": _("Quality problems are accepted for %(days)s days; this is day %(day)s."),
    "quality_window_ok": _("Quality problem on day %(day)s of %(days)s allowed."),
    "quality": _("Quality problem under the national warranty rules: refund without conditions."),
    "excluded_category": _("%(category)s cannot be returned without a quality problem."),
    "excluded_opened": _("Opened %(category)s cannot be returned without a quality problem."),
    "excluded_altered": _("Altered garments cannot be returned without a quality problem."),
    "excluded_clearance": _("Clearance goods cannot be returned without a quality problem."),
    "no_change_of_mind": _("%(category)s has no change-of-mind return; only quality rules apply."),
    "not_original_condition": _("For a change of mind the goods must have their tags, be unused, clean and "
                                "resaleable."),
    "window_over": _("Change of mind is allowed until day %(days)s; this is day %(day)s."),
    "window_ok": _("Change of mind on day %(day)s of %(days)s allowed."),
    "price_within": _("Within %(days)s days: refund at the price paid (%(price)s)."),
    "price_fallen": _("After %(days)s days the price fell from %(paid)s to %(now)s: refund at %(now)s."),
    "price_unchanged": _("After %(days)s days, no current price given: the price is taken as unchanged, refund at "
                         "the price paid (%(price)s)."),
    "price_not_fallen": _("After %(days)s days the price did not fall (%(paid)s → %(now)s): refund at %(paid)s."),
    "approval_dept_supervisor": _("Refund %(amount)s is at most %(threshold)s: the department supervisor signs."),
    "approval_ops_manager": _("Refund %(amount)s is above %(threshold)s: the operations manager (or GM) signs."),
    "clawback": _("Earned benefits come back: %(points)s points reversed, %(amount)s deducted from the refund."),
}


INPUT_MESSAGES = {
    "unknown_reason": _("Unknown reason %(reason)s."),
    "current_price_needed": _("Purchased %(day)s days ago (more than %(days)s): the current unit price is needed "
                              "to compute the refund (R-RET-8)."),
    "no_lines": _("Choose at least one receipt line to return."),
    "line_twice": _("Line %(line)s is listed twice."),
    "no_such_line": _("The receipt has no line %(line)s."),
    "quantity_min": _("Line %(line)s: the quantity must be at least 1."),
    "quantity_exceeds": _("Line %(line)s: %(asked)s asked, only %(left)s of %(bought)s still returnable."),
    "before_purchase": _("The return date is before the purchase."),
}


def input_error_text(exc: ReturnInputError) -> str:
    return str(INPUT_MESSAGES[exc.key]) % exc.params


def sentence(finding: Finding) -> str:
    return _sentence(finding.rule, finding.key, dict(finding.params))


def _sentence(rule: str, key: str, params: dict) -> str:
    """A finding in the active language: its rule id, then the words (a category by its label)."""
    params = dict(params)
    if "category" in params:
        try:
            params["category"] = str(Category(params["category"]).label)
        except ValueError:
            pass
    return f"{rule}: {str(MESSAGES[key]) % params}"


def findings_data(decision: ReturnDecision) -> list[dict]:
    """The findings explain() puts into words, as data a slip keeps (`ReturnRequest.findings`): the line
    (None for a slip-wide one), the rule id, the message key and its parameters. The slip renders them in
    the reader's language whenever it is shown."""
    out: list[dict] = []
    for line in decision.lines:
        for finding in line.findings:
            if decision.eligible or finding.refuses:
                out.append({"line": line.line_no, "rule": finding.rule, "key": finding.key,
                            "params": dict(finding.params)})
    if decision.eligible:
        line_findings = {id(f) for line in decision.lines for f in line.findings}
        out.extend({"line": None, "rule": f.rule, "key": f.key, "params": dict(f.params)}
                   for f in decision.findings if id(f) not in line_findings)
    return out


def sentences(findings: list[dict]) -> list[str]:
    """Stored findings (findings_data) as sentences in the active language, line by line."""
    out = []
    for item in findings:
        text = _sentence(item["rule"], item["key"], item.get("params") or {})
        out.append(f"#{item['line']} {text}" if item.get("line") is not None else text)
    return out


def explain(decision: ReturnDecision) -> list[str]:
    """One sentence per finding, line by line, then the slip-wide ones; refusals only when refused."""
    return sentences(findings_data(decision))


def slip_explanation(return_request) -> list[str]:
    """The slip's explanation (说明) in the reader's language, from the findings it keeps. A slip written
    before the findings were kept (or naming a message that no longer exists) shows the text stored when it
    was filled in, in the language it was filled in."""
    findings = return_request.findings or []
    if findings and all(isinstance(item, dict) and item.get("key") in MESSAGES for item in findings):
        try:
            return sentences(findings)
        except (KeyError, TypeError, ValueError):
            pass  # parameters that no longer fit the message: the stored words
    return [line for line in (return_request.explanation or "").splitlines() if line.strip()]
