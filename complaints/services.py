"""State changes of the complaints desk: one function per R-CMP-3 transition, each in one transaction
with the ticket row locked, each writing its ComplaintEvent. Refusals are DomainErrors with rule ids."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.numbering import number_next
from servicedesk.services import (
    NotificationDraft,
    notification_send,
    notifications_close,
    notifications_email_digest,
    notifications_send_bulk,
)

from . import events, rules, selectors
from .choices import (
    Channel,
    ComplaintEventType,
    ComplaintStatus,
    ComplaintType,
    DissatisfiedOutcome,
    Satisfaction,
    Temperament,
)
from .models import Complaint, Department, FollowUp, SupplierContact


def _ticket_url(complaint: Complaint) -> str:
    try:
        return reverse("admin:complaints_complaint_ticket", args=[complaint.pk])
    except Exception:  # noqa: BLE001 - the admin may not be mounted (e.g. a worker without URLs)
        return ""


def _close_notifications(c: Complaint, *kinds: str, reason: str) -> None:
    """The work the ticket's notifications asked for is done: close them for every recipient. `kinds` are
    key parts after "cmp:<pk>:" (see the notification_send calls below); none → all of the ticket's."""
    base = f"cmp:{c.pk}:"
    for kind in kinds or ("",):
        notifications_close(key_prefix=base + kind, reason=reason)


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _move(complaint: Complaint, action: str) -> str:
    """Apply the R-CMP-3 transitions table; out of order → 409 naming what is allowed now."""
    old = complaint.status
    try:
        complaint.status = rules.next_status(status=old, action=action)
    except rules.IllegalTransition:
        raise Conflict(
            _("This step is not possible while the complaint is %(status)s.") % {"status": complaint.get_status_display()},
            code="R-CMP-3", fields={"status": [old], "allowed": rules.allowed_actions(old)},
        )
    return old


def _save(complaint: Complaint, user, fields: list[str]) -> None:
    complaint._history_user = user
    complaint.full_clean(exclude=["receipt", "recorded_by", "routed_by", "answered_by", "approved_by", "department"])
    complaint.save(update_fields=[*fields, "updated_at"])


def _required(value: str, field: str, rule: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(_("%(field)s is required.") % {"field": field}, code=rule, fields={field: ["required"]})
    return value


def _check_reply(reply: str, *, confirmed: bool, field: str = "reply") -> list[str]:
    """R-CMP-6: a reply to the customer containing a never-use phrase is refused (400 naming the field)
    unless the clerk knowingly confirms it; the phrases found are returned for the event."""
    hits = rules.forbidden_hits(draft=reply, phrases=selectors.forbidden_phrases())
    if hits and not confirmed:
        listing = "; ".join(f"“{h.text}” → {h.instead or '—'}" for h in hits)
        raise RuleViolation(_("Never-use phrases (R-CMP-6): %(list)s") % {"list": listing}, code="R-CMP-6",
                            fields={field: [h.text for h in hits]})
    return [h.text for h in hits]


def complaint_number_allocate(*, day: dt.date) -> str:
    """R-CMP-1: the next TS-YYYYMMDD-NNNN of a store-local day, from the numbering service (one series a
    day). Inside the intake transaction: if the intake fails, the number is given back with the rollback."""
    series = f"TS-{day:%Y%m%d}"
    return f"{series}-{number_next(key=series):04d}"


def _alert_supervisors(complaint: Complaint, *, user) -> None:
    """R-CMP-4: serious, consumer-association and product-safety cases reach the desk supervisor at once."""
    reasons = [label for flag, label in (
        (complaint.serious, _("serious")), (complaint.consumer_association, _("consumer association / regulator")),
        (complaint.product_safety, _("product safety")),
    ) if flag]
    title = _("Serious complaint %(number)s (%(reasons)s)") % {"number": complaint.number, "reasons": ", ".join(reasons)}
    for sup in selectors.supervisors_to_alert():
        phone = selectors.complaint_phone_for(complaint=complaint, user=sup, context="notification: serious case")
        notification_send(recipient=sup, title=title, body=f"{complaint.customer_name} {phone}\n{complaint.cause}",
                          url=_ticket_url(complaint), key=f"cmp:{complaint.pk}:serious")
    complaint.supervisor_alerted_at = timezone.now()
    complaint.save(update_fields=["supervisor_alerted_at"])
    events.complaint_event(complaint=complaint, type=ComplaintEventType.SUPERVISOR_ALERTED, user=user, reasons=reasons)


@transaction.atomic
def complaint_receive(
    *, user, channel: str, customer_name: str, phone: str, type: str, cause: str, request: str = "",
    specialist_opinion: str = "", serious: bool = False, consumer_association: bool = False,
    product_safety: bool = False, temperament: str = "", card_number: str = "", receipt=None,
) -> Complaint:
    """R-CMP-1 intake: number the ticket for the store-local day and start the 24-hour routing clock
    (R-CMP-2); serious cases alert the desk supervisor now (R-CMP-4)."""
    if channel not in Channel.values:
        raise RuleViolation(_("Unknown channel."), code="R-CMP-1", fields={"channel": [channel]})
    if type not in ComplaintType.values:
        raise RuleViolation(_("Unknown complaint type."), code="R-CMP-1", fields={"type": [type]})
    if temperament not in Temperament.values:
        raise RuleViolation(_("Unknown temperament."), code="R-CMP-6", fields={"temperament": [temperament]})
    customer_name = _required(customer_name, "customer_name", "R-CMP-1")
    phone = _required(phone, "phone", "R-CMP-1")
    cause = _required(cause, "cause", "R-CMP-1")
    now = timezone.now()
    day = timezone.localdate(now)
    policy = selectors.clock_policy(on=day)
    complaint = Complaint(
        number=complaint_number_allocate(day=day), channel=channel, received_at=now, customer_name=customer_name,
        phone=phone, card_number=(card_number or "").strip(), receipt=receipt, type=type, cause=cause,
        request=(request or "").strip(), specialist_opinion=(specialist_opinion or "").strip(), recorded_by=user,
        serious=serious, consumer_association=consumer_association, product_safety=product_safety,
        temperament=temperament or "", status=ComplaintStatus.AWAITING_ROUTING,
        route_by=rules.route_deadline(received_at=now, policy=policy),
    )
    complaint._history_user = user
    complaint.full_clean(exclude=["receipt", "recorded_by"])
    complaint.save()
    events.complaint_event(complaint=complaint, type=ComplaintEventType.RECEIVED, user=user, channel=channel,
                           route_by=complaint.route_by)
    if complaint.is_serious:
        _alert_supervisors(complaint, user=user)
    return complaint


RECORD_FIELDS = ("customer_name", "phone", "card_number", "type", "cause", "request", "specialist_opinion", "serious",
                 "consumer_association", "product_safety", "temperament")


@transaction.atomic
def complaint_update_record(*, complaint: Complaint, user, **changes) -> Complaint:
    """R-CMP-1: complete or correct the record form after a phone intake (the clock does not restart).
    A newly set serious / consumer-association / product-safety flag alerts the desk supervisor (R-CMP-4)."""
    if not user.has_perm("complaints.change_complaint"):
        raise NotAllowed(_("You may not edit complaint records."), code="R-CMP-1")
    unknown = set(changes) - set(RECORD_FIELDS)
    if unknown:
        raise RuleViolation(_("These fields cannot be edited here."), code="R-CMP-1", fields={f: ["read-only"] for f in unknown})
    c = _lock(complaint)
    if c.status == ComplaintStatus.CLOSED:
        raise Conflict(_("A closed complaint is reopened before it is edited."), code="R-CMP-3", fields={"status": [c.status]})
    if changes.get("phone") == c.masked_phone != c.phone:
        del changes["phone"]  # the masked number shown to this user, sent back unchanged: the number stays
    for name in ("customer_name", "phone", "cause"):
        if name in changes:
            changes[name] = _required(changes[name], name, "R-CMP-1")
    if changes.get("type", c.type) not in ComplaintType.values:
        raise RuleViolation(_("Unknown complaint type."), code="R-CMP-1", fields={"type": [changes["type"]]})
    if changes.get("temperament", c.temperament) not in Temperament.values:
        raise RuleViolation(_("Unknown temperament."), code="R-CMP-6", fields={"temperament": [changes["temperament"]]})
    was_serious = c.is_serious
    changed = {name: value for name, value in changes.items() if getattr(c, name) != value}
    if not changed:
        return c
    for name, value in changed.items():
        setattr(c, name, value)
    _save(c, user, list(changed))
    events.complaint_event(complaint=c, type=ComplaintEventType.EDITED, user=user, from_status=c.status,
                           fields=sorted(changed))
    if c.is_serious and not was_serious:
        _alert_supervisors(c, user=user)
    return c


@transaction.atomic
def complaint_route(*, complaint: Complaint, user, valid: bool, department: Department | None = None,
                    opinion: str = "", reply: str = "", confirm_flagged: bool = False) -> Complaint:
    """R-CMP-2/3: judge the complaint. Valid → dispatched to the department, whose feedback clock starts
    (its feedback hours from now). Not valid → the reply to the customer is recorded and it closes; a
    reply with a never-use phrase is refused unless `confirm_flagged` (R-CMP-6)."""
    c = _lock(complaint)
    if c.is_serious and not user.has_perm("complaints.approve_handling"):
        raise NotAllowed(_("A serious case is routed by the desk supervisor."), code="R-CMP-4")
    now = timezone.now()
    if valid:
        if department is None:
            raise RuleViolation(_("Choose the responsible department."), code="R-CMP-2", fields={"department": ["required"]})
        if not department.active:
            raise RuleViolation(_("This department is inactive."), code="R-CMP-2", fields={"department": [department.code]})
        old = _move(c, "route_valid")
        c.valid, c.department = True, department
        c.feedback_by = rules.feedback_deadline(routed_at=now, feedback_hours=department.feedback_hours)
        if opinion.strip():
            c.specialist_opinion = opinion.strip()
        event_type, flagged = ComplaintEventType.ROUTED, []
    else:
        reply = _required(reply, "reply", "R-CMP-3")
        flagged = _check_reply(reply, confirmed=confirm_flagged)
        old = _move(c, "route_invalid")
        c.valid, c.reply, c.closed_at = False, reply, now
        if opinion.strip():
            c.specialist_opinion = opinion.strip()
        event_type = ComplaintEventType.REJECTED
    c.routed_at, c.routed_by = now, user
    c.escalation_level, c.escalated_at = 0, None  # the routing clock is answered; a new clock starts
    _save(c, user, ["status", "valid", "department", "feedback_by", "specialist_opinion", "reply", "closed_at",
                    "routed_at", "routed_by", "escalation_level", "escalated_at"])
    events.complaint_event(complaint=c, type=event_type, user=user, from_status=old, note=opinion or reply,
                           department=department.code if department else None, feedback_by=c.feedback_by,
                           late=now > c.route_by, **({"flagged": flagged} if flagged else {}))
    if valid:
        # the routing clock is answered: the serious-case alert and the routing escalations are done
        _close_notifications(c, "serious", f"esc:{ComplaintStatus.AWAITING_ROUTING}:",
                             reason=_("routed to %(department)s") % {"department": department.name})
        _notify_department(c, reason="routed")
    else:
        _close_notifications(c, reason=_("closed: not a valid complaint"))
    return c


def _notify_department(c: Complaint, *, reason: str) -> None:
    """Tell the staff who answer for the department that a ticket waits for their feedback (R-CMP-2)."""
    due = timezone.localtime(c.feedback_by).strftime("%Y-%m-%d %H:%M")
    for member in c.department.staff.filter(is_active=True).order_by("pk"):
        notification_send(recipient=member, title=_("Complaint %(number)s for %(department)s: feedback due %(due)s")
                          % {"number": c.number, "department": c.department.name, "due": due},
                          body=c.cause[:500], url=_ticket_url(c), key=f"cmp:{c.pk}:{reason}:{c.feedback_by.timestamp():.0f}")


def _check_department_user(user, c: Complaint) -> None:
    if not user.has_perm("complaints.answer_feedback"):
        raise NotAllowed(_("Only the responsible department answers."), code="R-CMP-3")
    if not selectors.sees_all_complaints(user) and not c.department.staff.filter(pk=user.pk).exists():
        raise NotAllowed(_("You do not answer for this department."), code="R-CMP-3")


@transaction.atomic
def complaint_feedback(*, complaint: Complaint, user, investigation: str, result: str, proposed_handling: str) -> Complaint:
    """R-CMP-3: the department's cause analysis and handling proposal, signed off by its head."""
    c = _lock(complaint)
    _check_department_user(user, c)
    investigation = _required(investigation, "investigation", "R-CMP-3")
    result = _required(result, "result", "R-CMP-3")
    proposed_handling = _required(proposed_handling, "proposed_handling", "R-CMP-3")
    old = _move(c, "feedback")
    now = timezone.now()
    c.investigation, c.result, c.proposed_handling = investigation, result, proposed_handling
    c.answered_by, c.answered_at = user, now
    c.escalation_level, c.escalated_at = 0, None
    _save(c, user, ["status", "investigation", "result", "proposed_handling", "answered_by", "answered_at",
                    "escalation_level", "escalated_at"])
    events.complaint_event(complaint=c, type=ComplaintEventType.FEEDBACK, user=user, from_status=old,
                           note=proposed_handling, late=now > c.feedback_by)
    _close_notifications(c, "routed:", "sent-back:", f"esc:{ComplaintStatus.AWAITING_FEEDBACK}:",
                         reason=_("the department answered"))
    level = rules.approval_level(serious=c.serious, consumer_association=c.consumer_association,
                                 product_safety=c.product_safety, escalation_level=c.escalation_level)
    for approver in selectors.approvers_for(level=level).exclude(pk=user.pk):
        notification_send(recipient=approver, title=_("Complaint %(number)s: handling to approve") % {"number": c.number},
                          body=proposed_handling[:500], url=_ticket_url(c),
                          key=f"cmp:{c.pk}:approve:{c.answered_at.timestamp():.0f}")
    return c


def _check_approver(user, c: Complaint) -> None:
    if not user.has_perm("complaints.approve_handling"):
        raise NotAllowed(_("Only a supervisor approves the handling."), code="R-CMP-3")
    if c.answered_by_id == user.pk:
        raise NotAllowed(_("Whoever proposed the handling does not approve it."), code="R-CMP-3")
    level = rules.approval_level(serious=c.serious, consumer_association=c.consumer_association,
                                 product_safety=c.product_safety, escalation_level=c.escalation_level)
    if level == "ops_manager" and not user.has_perm(rules.APPROVER_PERMISSION[level]):  # R-CMP-4: the GM
        raise NotAllowed(_("Serious and escalated cases are approved by the general manager."), code="R-CMP-4")


@transaction.atomic
def complaint_approve(*, complaint: Complaint, user, instruction: str = "") -> Complaint:
    """R-CMP-3: the supervisor (the GM for serious cases, R-CMP-4) approves the proposal."""
    c = _lock(complaint)
    _check_approver(user, c)
    old = _move(c, "approve")
    c.approval_instruction, c.approved_by, c.approved_at = (instruction or "").strip(), user, timezone.now()
    _save(c, user, ["status", "approval_instruction", "approved_by", "approved_at"])
    events.complaint_event(complaint=c, type=ComplaintEventType.APPROVED, user=user, from_status=old, note=instruction)
    _close_notifications(c, "approve:", "followup:", reason=_("handling approved"))
    return c


@transaction.atomic
def complaint_send_back(*, complaint: Complaint, user, instruction: str) -> Complaint:
    """R-CMP-3: the approver refuses the proposal; the department answers again on a new clock."""
    c = _lock(complaint)
    _check_approver(user, c)
    instruction = _required(instruction, "instruction", "R-CMP-3")
    old = _move(c, "send_back")
    now = timezone.now()
    c.approval_instruction = instruction
    c.feedback_by = rules.feedback_deadline(routed_at=now, feedback_hours=c.department.feedback_hours)
    c.escalation_level, c.escalated_at = 0, None
    _save(c, user, ["status", "approval_instruction", "feedback_by", "escalation_level", "escalated_at"])
    events.complaint_event(complaint=c, type=ComplaintEventType.SENT_BACK, user=user, from_status=old, note=instruction,
                           feedback_by=c.feedback_by)
    _close_notifications(c, "approve:", "followup:", reason=_("sent back to the department"))
    _notify_department(c, reason="sent-back")
    return c


@transaction.atomic
def complaint_notify_customer(*, complaint: Complaint, user, reply: str, confirm_flagged: bool = False) -> Complaint:
    """R-CMP-3: the customer is told the approved handling (the reply text is kept on the ticket); a reply
    with a never-use phrase is refused unless `confirm_flagged` (R-CMP-6)."""
    if not user.has_perm("complaints.record_followup"):
        raise NotAllowed(_("The desk notifies the customer."), code="R-CMP-3")
    c = _lock(complaint)
    reply = _required(reply, "reply", "R-CMP-3")
    flagged = _check_reply(reply, confirmed=confirm_flagged)
    old = _move(c, "notify_customer")
    c.reply, c.customer_notified_at = reply, timezone.now()
    _save(c, user, ["status", "reply", "customer_notified_at"])
    events.complaint_event(complaint=c, type=ComplaintEventType.CUSTOMER_NOTIFIED, user=user, from_status=old, note=reply,
                           **({"flagged": flagged} if flagged else {}))
    return c


@transaction.atomic
def complaint_carry_out(*, complaint: Complaint, user, note: str) -> Complaint:
    """R-CMP-3: the approved handling is carried out (by the desk or the responsible department)."""
    c = _lock(complaint)
    if not (user.has_perm("complaints.record_followup") or user.has_perm("complaints.answer_feedback")):
        raise NotAllowed(_("The desk or the department carries out the handling."), code="R-CMP-3")
    if not user.has_perm("complaints.record_followup"):
        _check_department_user(user, c)
    note = _required(note, "note", "R-CMP-3")
    old = _move(c, "carry_out")
    c.carried_out_at, c.carried_out_note = timezone.now(), note
    _save(c, user, ["status", "carried_out_at", "carried_out_note"])
    events.complaint_event(complaint=c, type=ComplaintEventType.CARRIED_OUT, user=user, from_status=old, note=note)
    # R-CMP-3: the follow-up call (回访) is the recording clerk's task
    phone = selectors.complaint_phone_for(complaint=c, user=c.recorded_by, context="notification: follow-up due")
    notification_send(recipient=c.recorded_by, title=_("Follow-up call due: %(number)s %(name)s %(phone)s")
                      % {"number": c.number, "name": c.customer_name, "phone": phone},
                      body=note, url=_ticket_url(c), key=f"cmp:{c.pk}:followup-due:{c.carried_out_at.timestamp():.0f}")
    return c


@transaction.atomic
def complaint_followup(*, complaint: Complaint, user, satisfaction: str, note: str = "", outcome: str = "") -> FollowUp:
    """R-CMP-3 follow-up call (回访): satisfied or neutral closes; dissatisfied either reopens (back to
    the department on a new feedback clock) or escalates (back to approval one level up, managers told)."""
    if not user.has_perm("complaints.record_followup"):
        raise NotAllowed(_("The desk makes the follow-up call."), code="R-CMP-3")
    if satisfaction not in Satisfaction.values:
        raise RuleViolation(_("Unknown satisfaction."), code="R-CMP-3", fields={"satisfaction": [satisfaction]})
    c = _lock(complaint)
    now = timezone.now()
    if satisfaction == Satisfaction.DISSATISFIED:
        if outcome not in DissatisfiedOutcome.values:
            raise RuleViolation(_("A dissatisfied customer's ticket is reopened or escalated."), code="R-CMP-3",
                                fields={"outcome": ["required: reopen or escalate"]})
    else:
        outcome = ""
    action = {"": "followup_close", "reopen": "followup_reopen", "escalate": "followup_escalate"}[outcome]
    old = _move(c, action)
    c.satisfaction = satisfaction
    fields = ["status", "satisfaction"]
    if outcome == "":
        c.closed_at = now
        fields.append("closed_at")
    elif outcome == DissatisfiedOutcome.REOPEN:
        c.reopen_count += 1
        c.feedback_by = rules.feedback_deadline(routed_at=now, feedback_hours=c.department.feedback_hours)
        c.escalation_level, c.escalated_at = 0, None
        fields += ["reopen_count", "feedback_by", "escalation_level", "escalated_at"]
    else:
        c.escalation_level, c.escalated_at = min(2, c.escalation_level + 1), now
        fields += ["escalation_level", "escalated_at"]
    _save(c, user, fields)
    follow = FollowUp.objects.create(complaint=c, called_at=now, satisfaction=satisfaction, outcome=outcome,
                                     note=(note or "").strip(), called_by=user)
    events.complaint_event(complaint=c, type=ComplaintEventType.FOLLOWED_UP, user=user, from_status=old, note=note,
                           satisfaction=satisfaction, outcome=outcome)
    if outcome == "":
        _close_notifications(c, reason=_("closed after the follow-up call"))
    else:
        _close_notifications(c, "followup-due:", reason=_("follow-up call made"))
    if outcome == DissatisfiedOutcome.ESCALATE:
        for boss in selectors.escalation_recipients(level=c.escalation_level):
            notification_send(recipient=boss, title=_("Dissatisfied customer: %(number)s") % {"number": c.number},
                              body=note or c.cause, url=_ticket_url(c), key=f"cmp:{c.pk}:followup:{follow.pk}")
    return follow


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, user, note: str) -> Complaint:
    """R-CMP-3: a closed ticket reopens when the customer comes back dissatisfied: to its department
    (a new feedback clock) or, if it was never routed, back to routing (a new 24-hour clock)."""
    if not user.has_perm("complaints.route_complaint"):
        raise NotAllowed(_("The desk reopens a complaint."), code="R-CMP-3")
    c = _lock(complaint)
    note = _required(note, "note", "R-CMP-3")
    now = timezone.now()
    if c.status == ComplaintStatus.CLOSED and c.department_id is None:
        old = _move(c, "reopen_unrouted")
        c.route_by = rules.route_deadline(received_at=now, policy=selectors.clock_policy(on=timezone.localdate(now)))
        c.valid = None
    else:
        old = _move(c, "reopen")
        c.feedback_by = rules.feedback_deadline(routed_at=now, feedback_hours=c.department.feedback_hours)
    c.closed_at, c.reopen_count = None, c.reopen_count + 1
    c.escalation_level, c.escalated_at = 0, None
    _save(c, user, ["status", "route_by", "valid", "feedback_by", "closed_at", "reopen_count", "escalation_level",
                    "escalated_at"])
    events.complaint_event(complaint=c, type=ComplaintEventType.REOPENED, user=user, from_status=old, note=note)
    return c


@transaction.atomic
def supplier_contact_log(*, complaint: Complaint, user, supplier: str, summary: str, contacted_at: dt.datetime | None = None,
                         contact_person: str = "", contact_phone: str = "", goods_taken_back: bool = False) -> SupplierContact:
    """R-CMP-5: log a contact with the supplier on the ticket."""
    if not user.has_perm("complaints.add_suppliercontact"):
        raise NotAllowed(_("You may not log supplier contacts."), code="R-CMP-5")
    c = _lock(complaint)
    now = timezone.now()
    contacted_at = contacted_at or now
    if contacted_at > now + dt.timedelta(minutes=5):
        raise RuleViolation(_("A contact cannot be in the future."), code="R-CMP-5", fields={"contacted_at": ["future"]})
    contact = SupplierContact.objects.create(
        complaint=c, supplier=_required(supplier, "supplier", "R-CMP-5"), summary=_required(summary, "summary", "R-CMP-5"),
        contacted_at=contacted_at, contact_person=contact_person.strip(), contact_phone=contact_phone.strip(),
        goods_taken_back=goods_taken_back, recorded_by=user,
    )
    events.complaint_event(complaint=c, type=ComplaintEventType.SUPPLIER_CONTACTED, user=user, from_status=c.status,
                           note=summary, supplier=supplier, goods_taken_back=goods_taken_back)
    return contact


def complaint_escalate_overdue(*, now: dt.datetime | None = None, chunk: int = 500) -> int:
    """R-CMP-2: not routed in time, or the department's feedback overdue → level 1 (desk supervisors);
    `escalation_hours` later → level 2 (operations managers), each notified once per ticket, clock and
    level (notification key). The level follows from the deadline and `now`, so running twice changes
    nothing. Candidates come from one set-based query; each chunk is locked, rechecked and updated in bulk."""
    now = now or timezone.now()
    policy = selectors.clock_policy(on=timezone.localdate(now))
    candidate_ids = list(selectors.complaints_overdue(now=now, policy=policy).order_by("pk").values_list("pk", flat=True))
    recipients = {level: list(selectors.escalation_recipients(level=level)) for level in (1, 2)}
    escalated, sent = 0, []
    ticket_url = _ticket_url(Complaint(pk=0))  # reversed once, each ticket's id put in (500 reverse() calls cost)
    head, _zero, tail = ticket_url.rpartition("/0/")
    for start in range(0, len(candidate_ids), chunk):
        ids = candidate_ids[start:start + chunk]
        with transaction.atomic():
            rows = []
            # only what the escalation reads (not the ticket's long texts and flags)
            for c in (Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk")
                      .only("pk", "number", "status", "cause", "escalation_level", "route_by", "feedback_by")):
                level = rules.escalation_level_due(due_at=c.due_at, now=now, policy=policy)
                if level > c.escalation_level:
                    rows.append((c, c.escalation_level, level))
            if not rows:
                continue
            for new_level in (1, 2):
                pks = [c.pk for c, _old, new in rows if new == new_level]
                if pks:
                    Complaint.objects.filter(pk__in=pks).update(escalation_level=new_level, escalated_at=now, updated_at=now)
            drafts = []
            for c, old, new in rows:
                c.escalation_level, c.escalated_at = new, now
                due = c.due_at
                what = _("not routed") if c.status == ComplaintStatus.AWAITING_ROUTING else _("department feedback overdue")
                body = _("Due %(due)s. %(cause)s") % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                                                       "cause": c.cause[:200]}
                url = f"{head}/{c.pk}/{tail}" if ticket_url else ""
                for level in range(old + 1, new + 1):
                    title = _("Complaint %(number)s escalated (level %(level)s): %(what)s") % {
                        "number": c.number, "level": level, "what": what}
                    key = f"cmp:{c.pk}:esc:{c.status}:{due.timestamp():.0f}:L{level}"
                    drafts += [NotificationDraft(recipient=boss, title=title, body=body, url=url, key=key)
                               for boss in recipients[level]]
            # one existence query and one INSERT for the chunk's notifications (once per ticket, clock, level)
            sent += notifications_send_bulk(drafts)
            events.complaint_escalated_events(rows=rows)
            escalated += len(rows)
    notifications_email_digest(sent)  # one e-mail per recipient per run
    return escalated


def complaint_mark_typical(*, complaint: Complaint, user, typical: bool) -> Complaint:
    """R-CMP-7: pick the case for the weekly supervisors' meeting."""
    if not user.has_perm("complaints.mark_typical_case"):
        raise NotAllowed(_("Only supervisors choose typical cases."), code="R-CMP-7")
    with transaction.atomic():
        c = _lock(complaint)
        c.typical_case = typical
        _save(c, user, ["typical_case"])
        events.complaint_event(complaint=c, type=ComplaintEventType.EDITED, user=user, from_status=c.status, typical=typical)
    return c


_STEPS = {
    "record": lambda c, user, d: complaint_update_record(complaint=c, user=user, **d),
    "route": lambda c, user, d: complaint_route(complaint=c, user=user, valid=d["valid"], department=d.get("department"),
                                                opinion=d.get("opinion", ""), reply=d.get("reply", ""),
                                                confirm_flagged=d.get("confirm_flagged", False)),
    "feedback": lambda c, user, d: complaint_feedback(complaint=c, user=user, investigation=d["investigation"],
                                                      result=d["result"], proposed_handling=d["proposed_handling"]),
    "approve": lambda c, user, d: complaint_approve(complaint=c, user=user, instruction=d.get("instruction", "")),
    "send_back": lambda c, user, d: complaint_send_back(complaint=c, user=user, instruction=d.get("instruction", "")),
    "notify": lambda c, user, d: complaint_notify_customer(complaint=c, user=user, reply=d["reply"],
                                                           confirm_flagged=d.get("confirm_flagged", False)),
    "carry_out": lambda c, user, d: complaint_carry_out(complaint=c, user=user, note=d["note"]),
    "followup": lambda c, user, d: complaint_followup(complaint=c, user=user, satisfaction=d["satisfaction"],
                                                      note=d.get("note", ""), outcome=d.get("outcome", "")),
    "reopen": lambda c, user, d: complaint_reopen(complaint=c, user=user, note=d["note"]),
    "supplier": lambda c, user, d: supplier_contact_log(complaint=c, user=user, **d),
}


def complaint_step(*, complaint: Complaint, user, step: str, data: dict):
    """Take one ticket-page step by name (rules.TICKET_STEP_PERMISSIONS) with its form's cleaned data:
    the permission first (403), then the step's service, which applies the rules."""
    if step not in _STEPS:
        raise NotAllowed(_("Unknown step."), code="R-CMP-3")
    perm = rules.TICKET_STEP_PERMISSIONS[step]
    if perm and not user.has_perm(perm):
        raise NotAllowed(_("You may not take this step."), code="R-CMP-3")
    return _STEPS[step](complaint, user, data)
