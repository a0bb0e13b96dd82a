"""Pure policy of the complaints desk: the R-CMP-3 state machine, the R-CMP-2 clocks and escalation
levels, R-CMP-4 seriousness, R-CMP-6 never-use phrases. Plain values in, a result out; no ORM, no clock.

Why a transitions table and not a library (django-fsm-2, viewflow): the flow is one linear path with
three side branches; a dict of (state, action) → state is the whole machine, readable in one screen,
testable without a database, and it lets the API answer 409 with the list of allowed actions. A library
would add a dependency, a model-field type and decorator magic on save() for no extra power here; the
locking and the event writing live in the services either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

AWAITING_ROUTING = "awaiting_routing"
AWAITING_FEEDBACK = "awaiting_feedback"
AWAITING_APPROVAL = "awaiting_approval"
AWAITING_NOTICE = "awaiting_notice"
AWAITING_EXECUTION = "awaiting_execution"
AWAITING_FOLLOWUP = "awaiting_followup"
CLOSED = "closed"

# R-CMP-3: intake → judged: not valid → reply → closed; valid → department → cause analysis and
# proposal → supervisor / GM approves → customer notified → carried out → follow-up → closed.
# Dissatisfied at follow-up reopens (back to the department) or escalates (back to approval, one level up).
TRANSITIONS: dict[tuple[str, str], str] = {
    (AWAITING_ROUTING, "route_valid"): AWAITING_FEEDBACK,
    (AWAITING_ROUTING, "route_invalid"): CLOSED,
    (AWAITING_FEEDBACK, "feedback"): AWAITING_APPROVAL,
    (AWAITING_APPROVAL, "approve"): AWAITING_NOTICE,
    (AWAITING_APPROVAL, "send_back"): AWAITING_FEEDBACK,
    (AWAITING_NOTICE, "notify_customer"): AWAITING_EXECUTION,
    (AWAITING_EXECUTION, "carry_out"): AWAITING_FOLLOWUP,
    (AWAITING_FOLLOWUP, "followup_close"): CLOSED,
    (AWAITING_FOLLOWUP, "followup_reopen"): AWAITING_FEEDBACK,
    (AWAITING_FOLLOWUP, "followup_escalate"): AWAITING_APPROVAL,
    (CLOSED, "reopen"): AWAITING_FEEDBACK,
    (CLOSED, "reopen_unrouted"): AWAITING_ROUTING,
}


class IllegalTransition(Exception):
    def __init__(self, status: str, action: str):
        super().__init__(f"{action} is not allowed in {status}")
        self.status, self.action = status, action


def next_status(*, status: str, action: str) -> str:
    """The state after `action`, or IllegalTransition (the API's 409)."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action) from None


def allowed_actions(status: str) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]


@dataclass(frozen=True)
class ClockPolicy:
    routing_hours: int = 24
    escalation_hours: int = 24


def route_deadline(*, received_at: datetime, policy: ClockPolicy) -> datetime:
    """R-CMP-2: judged and routed within 24 wall-clock hours of intake (nights and midnight included)."""
    return received_at + timedelta(hours=policy.routing_hours)


def feedback_deadline(*, routed_at: datetime, feedback_hours: int) -> datetime:
    """R-CMP-2: the department answers within its feedback hours (default 48) of dispatch."""
    return routed_at + timedelta(hours=feedback_hours)


def escalation_level_due(*, due_at: datetime | None, now: datetime, policy: ClockPolicy) -> int:
    """R-CMP-2: 0 before the deadline; 1 (desk supervisor) once it has passed; 2 (operations manager)
    another `escalation_hours` later. Counted from the deadline, so a late or repeated run gives the
    same level for the same `now`."""
    if due_at is None or now < due_at:
        return 0
    if now < due_at + timedelta(hours=policy.escalation_hours):
        return 1
    return 2


def is_serious(*, serious: bool, consumer_association: bool, product_safety: bool) -> bool:
    """R-CMP-4: these go to the desk supervisor at once, and their handling is approved by the GM."""
    return bool(serious or consumer_association or product_safety)


# The permission a job needs, by approval level (approval_level's answer) and escalation level: people
# are found with servicedesk.selectors.users_with_perm, never by group name.
APPROVER_PERMISSION = {"desk_supervisor": "complaints.supervise_complaints", "ops_manager": "complaints.approve_serious"}
ESCALATION_PERMISSION = {1: "complaints.supervise_complaints", 2: "complaints.approve_serious"}
SUPERVISOR_ALERT_PERMISSION = "complaints.supervise_complaints"  # R-CMP-4


def approval_level(*, serious: bool, consumer_association: bool, product_safety: bool, escalation_level: int) -> str:
    """R-CMP-3: the desk supervisor approves; the GM (operations manager) for serious cases and for a
    case escalated to level 2."""
    if is_serious(serious=serious, consumer_association=consumer_association, product_safety=product_safety):
        return "ops_manager"
    return "ops_manager" if escalation_level >= 2 else "desk_supervisor"


@dataclass(frozen=True)
class PhraseHit:
    text: str
    kind: str
    instead: str
    position: int


def forbidden_hits(*, draft: str, phrases: list[tuple[str, str, str]]) -> list[PhraseHit]:
    """R-CMP-6: every never-use phrase (text, kind, instead) found in a draft, in order of appearance."""
    hits = []
    for text, kind, instead in phrases:
        if not text:
            continue
        start = draft.find(text)
        if start >= 0:
            hits.append(PhraseHit(text, kind, instead, start))
    return sorted(hits, key=lambda h: h.position)


# The ticket page's steps (R-CMP-3) and the permission each needs before its form is read (None: the
# service decides, e.g. carrying out is the desk's or the responsible department's).
TICKET_STEP_PERMISSIONS: dict[str, str | None] = {
    "record": "complaints.change_complaint",
    "route": "complaints.route_complaint",
    "feedback": "complaints.answer_feedback",
    "approve": "complaints.approve_handling",
    "send_back": "complaints.approve_handling",
    "notify": "complaints.record_followup",
    "carry_out": None,
    "followup": "complaints.record_followup",
    "reopen": "complaints.route_complaint",
    "supplier": "complaints.add_suppliercontact",
}


def remaining(*, due_at: datetime | None, now: datetime) -> timedelta | None:
    """Time left on the running clock (negative when overdue)."""
    return None if due_at is None else due_at - now


def format_remaining(delta: timedelta | None) -> str:
    """'5h 12m', or '-3h 04m' when overdue; '' without a running clock."""
    if delta is None:
        return ""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    hours, minutes = total // 3600, (total % 3600) // 60
    return f"{sign}{hours}h {minutes:02d}m"


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
