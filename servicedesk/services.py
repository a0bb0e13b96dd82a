"""State changes of the desk: the handover book (R-DESK-1) and notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import events
from .choices import HandoverItemStatus
from .errors import Conflict, NotAllowed, RuleViolation
from .models import HandoverEntry, HandoverItem, Notification


@transaction.atomic
def handover_write(
    *,
    shift_date: dt.date,
    shift: str,
    notes: str,
    new_items: Iterable[str] = (),
    closed_item_ids: Iterable[int] = (),
    user,
) -> HandoverEntry:
    """Write this shift's handover entry (R-DESK-1).

    Every item still open in the book is either closed now (its id in `closed_item_ids`) or carried
    over onto the new entry, so the next shift sees one list of what is still open.
    """
    notes = (notes or "").strip()
    if not notes:
        raise RuleViolation(_("Write what the next shift needs to know."), code="R-DESK-1", fields={"notes": ["required"]})
    if HandoverEntry.objects.filter(shift_date=shift_date, shift=shift).exists():
        raise Conflict(
            _("The handover entry for this shift is already written."), code="R-DESK-1", fields={"shift": ["exists"]}
        )
    now = timezone.now()
    # Lock the open items: two desks writing at once must not both carry the same item.
    open_items = list(HandoverItem.objects.select_for_update().filter(status=HandoverItemStatus.OPEN).order_by("pk"))
    closing = {int(pk) for pk in closed_item_ids}
    unknown = closing - {item.pk for item in open_items}
    if unknown:
        raise RuleViolation(
            _("Only open items can be closed."), code="R-DESK-1", fields={"closed_item_ids": sorted(unknown)}
        )
    try:
        with transaction.atomic():
            entry = HandoverEntry.objects.create(shift_date=shift_date, shift=shift, notes=notes, written_by=user)
    except IntegrityError as exc:  # another desk wrote the same shift a moment ago
        raise Conflict(_("The handover entry for this shift is already written."), code="R-DESK-1") from exc
    carried = 0
    for item in open_items:
        if item.pk in closing:
            item.status, item.closed_by, item.closed_at = HandoverItemStatus.DONE, user, now
        else:
            item.status = HandoverItemStatus.CARRIED
            HandoverItem.objects.create(entry=entry, text=item.text, carried_from=item)
            carried += 1
        item._history_user = user
        item.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
    for text in new_items:
        text = text.strip()
        if text:
            HandoverItem.objects.create(entry=entry, text=text[:500])
    events.handover_written_event(entry=entry, user=user, carried=carried, closed=len(closing))
    return entry


@transaction.atomic
def handover_acknowledge(*, entry: HandoverEntry, user) -> HandoverEntry:
    """The next shift confirms it has read the entry (R-DESK-1). The writer cannot acknowledge it."""
    entry = HandoverEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.acknowledged_at is not None:
        raise Conflict(_("This handover entry is already acknowledged."), code="R-DESK-1")
    if entry.written_by_id == user.pk:
        raise NotAllowed(_("The next shift acknowledges a handover entry, not its writer."), code="R-DESK-1")
    entry.acknowledged_by, entry.acknowledged_at = user, timezone.now()
    entry._history_user = user
    entry.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_at"])
    events.handover_acknowledged_event(entry=entry, user=user)
    return entry


@transaction.atomic
def handover_item_close(*, item: HandoverItem, user) -> HandoverItem:
    item = HandoverItem.objects.select_for_update().get(pk=item.pk)
    if item.status != HandoverItemStatus.OPEN:
        raise Conflict(_("Only an open item can be closed."), code="R-DESK-1")
    item.status, item.closed_by, item.closed_at = HandoverItemStatus.DONE, user, timezone.now()
    item._history_user = user
    item.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
    events.handover_item_closed_event(entry=item.entry, user=user, item_id=item.pk)
    return item


def notification_send(*, recipient, title: str, body: str = "", url: str = "", key: str = "", email: bool = True):
    """Notify one user in the app (and by email when they have an address). With a `key`, a repeated
    call (a job running twice) notifies once; returns None when it was already sent."""
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(recipient=recipient, title=title[:200], body=body, url=url, key=key)
    except IntegrityError:
        # Two desks sent the same keyed notification at once: the unique (recipient, key) kept one.
        return None
    if email and recipient.email:
        transaction.on_commit(
            lambda: send_mail(title, f"{body}\n{url}".strip(), None, [recipient.email], fail_silently=True)
        )
    return note


@dataclass(frozen=True)
class NotificationDraft:
    """One notification to write in bulk (notifications_send_bulk)."""

    recipient: Any
    title: str
    body: str = ""
    url: str = ""
    key: str = ""


def notifications_send_bulk(drafts: Iterable[NotificationDraft], *, chunk: int = 1000) -> list[Notification]:
    """Write many in-app notifications with one existence query and one INSERT per `chunk`; a draft
    whose (recipient, key) is already stored is skipped, so a job running twice notifies once (the
    unique constraint backs this up: the INSERT ignores conflicts). Returns the new notifications (their
    primary keys may be unset). Sends no e-mail: the caller sends one digest per recipient
    (notifications_email_digest)."""
    new: list[Notification] = []
    drafts = list(drafts)
    recipient_field = Notification._meta.get_field("recipient")
    for start in range(0, len(drafts), chunk):
        part = drafts[start:start + chunk]
        keyed = [d for d in part if d.key]
        stored = set()
        if keyed:
            stored = set(Notification.objects.filter(recipient_id__in={d.recipient.pk for d in keyed},
                                                     key__in={d.key for d in keyed})
                         .values_list("recipient_id", "key"))
        rows = []
        for d in part:
            pair = (d.recipient.pk, d.key)
            if d.key and pair in stored:
                continue
            if d.key:
                stored.add(pair)  # the same draft twice in one call: once
            # the id, not the user, through the constructor (the related descriptor costs per row); the user
            # is kept in the field's cache for the digest that follows
            note = Notification(recipient_id=d.recipient.pk, title=d.title[:200], body=d.body, url=d.url, key=d.key)
            recipient_field.set_cached_value(note, d.recipient)
            rows.append(note)
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        new += rows
    return new


def notifications_email_digest(notifications: Iterable[Notification]) -> int:
    """One e-mail per recipient (with an address) for the given new notifications, sent once the
    transaction commits: a single one keeps its own title; several are listed under the first title
    and the count of the others.
    Returns how many e-mails are queued."""
    by_recipient: dict[int, list[Notification]] = {}
    for note in notifications:
        by_recipient.setdefault(note.recipient.pk, []).append(note)
    queued = 0
    for notes in by_recipient.values():
        recipient = notes[0].recipient
        if not recipient.email:
            continue
        if len(notes) == 1:
            subject, text = notes[0].title, f"{notes[0].body}\n{notes[0].url}".strip()
        else:  # the first title and how many more (the titles are already in the recipient's language)
            subject = f"{notes[0].title} (+{len(notes) - 1})"
            text = "\n\n".join(f"{n.title}\n{n.body}\n{n.url}".strip() for n in notes)
        transaction.on_commit(
            lambda subject=subject, text=text, to=recipient.email: send_mail(subject, text, None, [to], fail_silently=True)
        )
        queued += 1
    return queued


def notifications_close(*, keys: Iterable[str] = (), key_prefix: str = "", reason: str = "",
                        now: dt.datetime | None = None) -> int:
    """The work a notification asked for is done: every open notification with one of `keys`, or whose
    key starts with `key_prefix` (end it with a separator, "cmp:12:", so record 12 never closes record
    120), is marked done and read, for all its recipients, in one UPDATE. Unread counts drop at once.
    Returns how many closed; closing twice closes nothing more."""
    keys = [k for k in keys if k]
    if not keys and not key_prefix:
        raise ValueError("notifications_close needs keys or a key_prefix")
    now = now or timezone.now()
    condition = Q(key__in=keys) if keys else Q()
    if key_prefix:
        condition = condition | Q(key__startswith=key_prefix) if keys else Q(key__startswith=key_prefix)
    open_notes = Notification.objects.filter(condition, done_at__isnull=True).exclude(key="")
    closed = open_notes.filter(read_at__isnull=True).update(done_at=now, done_reason=reason[:200], read_at=now,
                                                            updated_at=now)
    closed += open_notes.update(done_at=now, done_reason=reason[:200], updated_at=now)  # the ones already read
    return closed


def notification_open(*, notification: Notification, user) -> str:
    """The recipient opens a notification: it is read, and the record it is about is where they go
    (its link; the notification list when it has none)."""
    notification_mark_read(notification=notification, user=user)
    url = notification.url or ""
    return url if url.startswith("/") and not url.startswith("//") else ""


def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise NotAllowed(_("This notification is for someone else."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification
