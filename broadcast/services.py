"""State changes of the broadcast booth: the day's hours (R-BC-1), promotions (R-BC-2), scripts and their
review (R-BC-5), urgent inserts (R-BC-4), the air log, booth handover notes and maintenance (R-BC-6).

Other apps call `urgent_insert_raise` inside their own transaction (the desk raises a PA insert when a
lost child or lost item is reported). Services do not check the caller's role unless the rule names a
person (a script is never approved by its author); views and the API check permissions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict, NotAllowed, RuleViolation

from . import events, rules, selectors
from .choices import InsertEventType, InsertKind, InsertStatus, LogKind, ScriptEventType, ScriptStatus
from .models import (
    AirLogEntry,
    BoothHandover,
    DayHours,
    EquipmentMaintenance,
    Promotion,
    Script,
    UrgentInsert,
)


# ---- R-BC-1 ----------------------------------------------------------------------------------------------
@transaction.atomic
def day_hours_set(*, day: date, opening: time, closing: time, user, note: str = "") -> DayHours:
    """R-BC-1: one day's own hours; the day's plan shifts with them."""
    if rules.hours_refusal(opening=opening, closing=closing):
        raise RuleViolation(_("Closing must be after opening."), code="R-BC-1",
                            fields={"closing": _("Closing must be after opening.")})
    hours, _created = DayHours.objects.select_for_update().update_or_create(
        day=day, defaults={"opening": opening.replace(second=0, microsecond=0),
                           "closing": closing.replace(second=0, microsecond=0), "note": note, "set_by": user})
    return hours


# ---- R-BC-5 ----------------------------------------------------------------------------------------------
def _locked_script(script: Script) -> Script:
    return Script.objects.select_for_update().get(pk=script.pk)


@transaction.atomic
def script_create(*, title: str, text: str, kind: str, user) -> Script:
    script = Script.objects.create(title=title, text=text, kind=kind, author=user, status=ScriptStatus.DRAFT)
    events.script_event(script=script, type=ScriptEventType.CREATED, user=user)
    return script


@transaction.atomic
def script_update(*, script: Script, user, title: str | None = None, text: str | None = None,
                  kind: str | None = None) -> Script:
    """A draft is edited in place. An approved script that is changed goes back to draft (R-BC-5: only the
    approved words air), and leaves the sheets until it is approved again. A script under review is
    not changed (409): the reviewer would approve words other than those they read."""
    s = _locked_script(script)
    changes = {name: value for name, value in (("title", title), ("text", text), ("kind", kind))
               if value is not None and getattr(s, name) != value}
    if not changes:
        return s
    if s.status == ScriptStatus.AWAITING_REVIEW:
        raise Conflict(_("The script is being reviewed; it can be changed once it is approved or rejected."),
                       code="R-BC-5")
    revised = s.status == ScriptStatus.APPROVED
    for name, value in changes.items():
        setattr(s, name, value)
    if revised:
        s.status, s.reviewed_by, s.reviewed_at = ScriptStatus.DRAFT, None, None
    s.save()
    events.script_event(script=s, type=ScriptEventType.REVISED if revised else ScriptEventType.EDITED, user=user,
                        fields=sorted(changes))
    return s


def _refuse(action: str, s: Script, user) -> None:
    refusal = rules.script_transition_refusal(
        action=action, status=s.status, is_author=s.author_id is not None and s.author_id == user.pk,
        may_review=user.has_perm("broadcast.approve_script"))
    if refusal == "forbidden":
        raise NotAllowed(_("Scripts are approved by a desk supervisor who did not write them."), code="R-BC-5")
    if refusal == "out_of_order":
        verb = {"submit": _("submitted"), "approve": _("approved"), "reject": _("rejected")}[action]
        raise Conflict(_("The script is %(status)s; it cannot be %(action)s now.")
                       % {"status": s.get_status_display(), "action": verb}, code="R-BC-5")


@transaction.atomic
def script_submit(*, script: Script, user, now: datetime | None = None) -> Script:
    s = _locked_script(script)
    _refuse("submit", s, user)
    s.status, s.submitted_at, s.rejection_reason = ScriptStatus.AWAITING_REVIEW, now or timezone.now(), ""
    s.save(update_fields=["status", "submitted_at", "rejection_reason", "updated_at"])
    events.script_event(script=s, type=ScriptEventType.SUBMITTED, user=user)
    return s


@transaction.atomic
def script_approve(*, script: Script, user, now: datetime | None = None) -> Script:
    s = _locked_script(script)
    _refuse("approve", s, user)
    s.status, s.reviewed_by, s.reviewed_at = ScriptStatus.APPROVED, user, now or timezone.now()
    s.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    events.script_event(script=s, type=ScriptEventType.APPROVED, user=user)
    return s


@transaction.atomic
def script_reject(*, script: Script, user, reason: str, now: datetime | None = None) -> Script:
    if not reason.strip():
        raise RuleViolation(_("Say why the script is rejected."), code="R-BC-5", fields={"reason": _("Required.")})
    s = _locked_script(script)
    _refuse("reject", s, user)
    s.status, s.reviewed_by, s.reviewed_at = ScriptStatus.DRAFT, user, now or timezone.now()
    s.rejection_reason = reason.strip()[:300]
    s.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"])
    events.script_event(script=s, type=ScriptEventType.REJECTED, user=user, reason=s.rejection_reason)
    return s


# ---- R-BC-2 ----------------------------------------------------------------------------------------------
@transaction.atomic
def promotion_create(*, title: str, script: Script, starts_at: datetime, ends_at: datetime, every_minutes: int,
                     user) -> Promotion:
    """R-BC-2 / R-BC-5: an approved script, an interval within the policy's range, an end after the start."""
    if ends_at <= starts_at:
        raise RuleViolation(_("The end must be after the start."), code="R-BC-2",
                            fields={"ends_at": _("Must be after starts_at.")})
    s = Script.objects.select_for_update().get(pk=script.pk)  # not un-approved while we schedule it
    if not s.is_approved:
        raise RuleViolation(_("Only an approved script can be scheduled."), code="R-BC-5",
                            fields={"script": _("Not approved.")})
    policy = selectors.broadcast_policy_in_force(on=timezone.localdate(starts_at, selectors.store_tz())).facts()
    if rules.every_minutes_refusal(every_minutes=every_minutes, policy=policy):
        message = _("Promotions repeat every %(low)s to %(high)s minutes.") % {"low": policy.every_min,
                                                                               "high": policy.every_max}
        raise RuleViolation(message, code="R-BC-2", fields={"every_minutes": message})
    return Promotion.objects.create(title=title or s.title, script=s, starts_at=starts_at, ends_at=ends_at,
                                    every_minutes=every_minutes, created_by=user)


def promotion_slots(*, promotion: Promotion, max_days: int = 14) -> dict[date, list[str]]:
    """The promotion's slots per store day, as the day sheets place them (R-BC-2), for its first
    `max_days` days (each day is a sheet of its own: GET /days/{date}/ shows any later day)."""
    tz = selectors.store_tz()
    first = timezone.localtime(promotion.starts_at, tz).date()
    last = timezone.localtime(promotion.ends_at, tz).date()
    result = {}
    day = first
    while day <= last and (day - first).days < max_days:
        result[day] = selectors.day_sheet(day=day).sheet.slots_of(promotion.pk)
        day += timedelta(days=1)
    return result


# ---- R-BC-4 ----------------------------------------------------------------------------------------------
def urgent_insert_raise(*, kind: str, text: str = "", user, source_ref: str = "", now=None) -> UrgentInsert:
    """R-BC-4: queue an urgent insert at once, with its kind's priority (emergency 1 … lost property 5).
    Empty `text` → the kind's approved template filled in ({ref} = `source_ref`, {time} = now); text given
    → put into the template's {details} place. Expires `insert_expiry_minutes` after it was raised if not
    aired. Safe to call inside the caller's transaction (it joins it)."""
    if kind not in InsertKind.values:
        raise RuleViolation(_("Unknown insert kind."), code="R-BC-4", fields={"kind": _("Not a valid choice.")})
    now = now or timezone.now()
    with transaction.atomic():
        tz = selectors.store_tz()
        policy = selectors.broadcast_policy_in_force(on=timezone.localdate(now, tz))
        template = selectors.insert_templates().get(kind)
        words = rules.insert_text(template=template.text if template else "", details=text or "",
                                  ref=source_ref or "", raised=timezone.localtime(now, tz).strftime("%H:%M"))
        if not words.strip():
            raise RuleViolation(_("There is no approved template for this kind: write the text."), code="R-BC-4",
                                fields={"text": _("Required.")})
        insert = UrgentInsert.objects.create(
            kind=kind, priority=rules.insert_priority(kind), status=InsertStatus.QUEUED, text=words,
            details=text or "", source_ref=(source_ref or "")[:80], template=template, raised_by=user,
            raised_at=now, expires_at=now + timedelta(minutes=policy.insert_expiry_minutes))
        events.insert_event(insert=insert, type=InsertEventType.RAISED, user=user, priority=insert.priority,
                            source_ref=insert.source_ref)
    return insert


@transaction.atomic
def urgent_insert_air(*, insert: UrgentInsert, user, now: datetime | None = None) -> UrgentInsert:
    """Mark an insert aired and write its air-log row (R-BC-4, R-BC-6). Twice → 409; after its expiry → 409
    (it did not air in time: raise it again)."""
    now = now or timezone.now()
    ins = UrgentInsert.objects.select_for_update().get(pk=insert.pk)
    if ins.status == InsertStatus.AIRED:
        raise Conflict(_("This insert has already aired."), code="R-BC-4")
    if ins.status != InsertStatus.QUEUED or rules.insert_is_expired(expires_at=ins.expires_at, now=now):
        raise Conflict(_("This insert is no longer queued (%(status)s); raise it again if it is still needed.")
                       % {"status": ins.get_status_display() if ins.status != InsertStatus.QUEUED else _("expired")},
                       code="R-BC-4")
    ins.status, ins.aired_by, ins.aired_at = InsertStatus.AIRED, user, now
    ins.save(update_fields=["status", "aired_by", "aired_at", "updated_at"])
    AirLogEntry.objects.create(day=timezone.localdate(now, selectors.store_tz()), aired_at=now, kind=LogKind.INSERT,
                               title=f"{ins.get_kind_display()}{' ' + ins.source_ref if ins.source_ref else ''}",
                               insert=ins, script=ins.template, by=user)
    events.insert_event(insert=ins, type=InsertEventType.AIRED, user=user,
                        waited_seconds=int((now - ins.raised_at).total_seconds()))
    return ins


@transaction.atomic
def urgent_insert_withdraw(*, insert: UrgentInsert, user, reason: str = "") -> UrgentInsert:
    """Take a queued insert off the queue (the child was found before it aired)."""
    ins = UrgentInsert.objects.select_for_update().get(pk=insert.pk)
    if ins.status != InsertStatus.QUEUED:
        raise Conflict(_("Only a queued insert can be withdrawn."), code="R-BC-4")
    ins.status = InsertStatus.WITHDRAWN
    ins.save(update_fields=["status", "updated_at"])
    events.insert_event(insert=ins, type=InsertEventType.WITHDRAWN, user=user, reason=reason[:300])
    return ins


def urgent_inserts_expire(*, now: datetime | None = None) -> int:
    """R-BC-4: queued inserts past their expiry become `expired` (so nothing airs late, unnoticed). Idempotent."""
    now = now or timezone.now()
    done = 0
    for pk in UrgentInsert.objects.filter(status=InsertStatus.QUEUED, expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            ins = UrgentInsert.objects.select_for_update().filter(pk=pk, status=InsertStatus.QUEUED).first()
            if ins is None or ins.expires_at > now:
                continue
            ins.status = InsertStatus.EXPIRED
            ins.save(update_fields=["status", "updated_at"])
            events.insert_event(insert=ins, type=InsertEventType.EXPIRED, user=None,
                                waited_seconds=int((now - ins.raised_at).total_seconds()))
            done += 1
    return done


# ---- R-BC-6 ----------------------------------------------------------------------------------------------
def air_log_record(*, kind: str, title: str, aired_at: datetime, user, planned_at: time | None = None,
                   note: str = "") -> AirLogEntry:
    """Log what aired. A sheet item (fixed, moment, promotion) is tied to its slot on the sheet: the one
    named by `planned_at`, else the same kind and title nearest the time it aired; logging a slot twice
    → 409. Other rows (an insert logged by hand, a repeat) are kept as they are."""
    tz = selectors.store_tz()
    local = timezone.localtime(aired_at, tz)
    day = local.date()
    promotion_id = script_id = None
    if kind in (LogKind.FIXED, LogKind.MOMENT, LogKind.PROMOTION):
        plan = selectors.day_sheet(day=day)
        logged = {(e.kind, e.title, rules.minute_of(e.planned_at))
                  for e in AirLogEntry.objects.filter(day=day, planned_at__isnull=False)}
        if planned_at is not None:
            minute = rules.minute_of(planned_at)
            match = next((i for i in plan.sheet.items if i.kind == kind and i.minute == minute
                          and (i.title == title or not title)), None)
        else:
            match = rules.sheet_item_for_log(sheet=plan.sheet, kind=kind, title=title,
                                             aired_minute=local.hour * 60 + local.minute, already=logged)
        if match is not None:
            title, planned_at = match.title, rules.time_of(match.minute)
            promotion_id, script_id = match.promotion_id, match.script_id
            if (match.kind, match.title, match.minute) in logged:
                raise Conflict(_("%(at)s %(title)s is already in the log.") % {"at": match.at, "title": title},
                               code="R-BC-6")
    if not title.strip():
        raise RuleViolation(_("Say what aired."), code="R-BC-6", fields={"title": _("Required.")})
    try:
        with transaction.atomic():
            return AirLogEntry.objects.create(day=day, aired_at=aired_at, kind=kind, title=title[:200],
                                              planned_at=planned_at, promotion_id=promotion_id, script_id=script_id,
                                              by=user, note=note[:300])
    except IntegrityError:  # two booths logged the same slot at the same moment
        raise Conflict(_("%(title)s is already in the log.") % {"title": title}, code="R-BC-6") from None


@transaction.atomic
def booth_handover_write(*, shift_date: date, shift: str, notes: str, user, equipment_ok: bool = True) -> BoothHandover:
    if BoothHandover.objects.filter(shift_date=shift_date, shift=shift).exists():
        raise Conflict(_("This shift's handover note is already written."), code="R-BC-6")
    return BoothHandover.objects.create(shift_date=shift_date, shift=shift, notes=notes, equipment_ok=equipment_ok,
                                        written_by=user)


@transaction.atomic
def booth_handover_acknowledge(*, note: BoothHandover, user, now: datetime | None = None) -> BoothHandover:
    """The next shift reads and acknowledges the note; never its writer."""
    n = BoothHandover.objects.select_for_update().get(pk=note.pk)
    if n.written_by_id == user.pk:
        raise NotAllowed(_("The next shift acknowledges a handover note, not its writer."), code="R-BC-6")
    if n.acknowledged_at:
        raise Conflict(_("Already acknowledged."), code="R-BC-6")
    n.acknowledged_by, n.acknowledged_at = user, now or timezone.now()
    n.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_at"])
    return n


@transaction.atomic
def equipment_maintenance_record(*, equipment: str, kind: str, description: str, user, result: str = "ok",
                                 done_at: datetime | None = None, next_due: date | None = None) -> EquipmentMaintenance:
    return EquipmentMaintenance.objects.create(equipment=equipment, kind=kind, description=description, result=result,
                                               done_at=done_at or timezone.now(), next_due=next_due, done_by=user)
