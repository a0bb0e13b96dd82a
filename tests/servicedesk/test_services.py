import datetime as dt

import pytest

from servicedesk import services
from servicedesk.choices import HandoverEventType, HandoverItemStatus, Shift
from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.models import HandoverItem, Notification

DAY = dt.date(2026, 11, 23)


@pytest.mark.django_db
def test_r_desk_1_handover_write_records_items_and_event(clerk):
    # when
    entry = services.handover_write(shift_date=DAY, shift=Shift.EARLY, notes="收银台3缺纸", new_items=["回访王女士", " "],
                                    user=clerk)
    # then
    assert [i.text for i in entry.items.all()] == ["回访王女士"]
    assert entry.events.get().type == HandoverEventType.WRITTEN
    assert entry.history.count() == 1


@pytest.mark.django_db
def test_r_desk_1_open_items_carry_over_and_closed_ones_do_not(user_in_role):
    # given
    early, late = user_in_role("clerk"), user_in_role("clerk")
    first = services.handover_write(shift_date=DAY, shift=Shift.EARLY, notes="a", new_items=["umbrella 12", "call back"],
                                    user=early)
    umbrella, call_back = first.items.order_by("id")
    # when
    second = services.handover_write(shift_date=DAY, shift=Shift.LATE, notes="b", new_items=["new"],
                                     closed_item_ids=[umbrella.pk], user=late)
    # then
    umbrella.refresh_from_db()
    call_back.refresh_from_db()
    assert umbrella.status == HandoverItemStatus.DONE and umbrella.closed_by == late
    assert call_back.status == HandoverItemStatus.CARRIED
    carried = second.items.get(carried_from=call_back)
    assert carried.status == HandoverItemStatus.OPEN and carried.text == "call back"
    assert set(HandoverItem.objects.filter(status="open").values_list("text", flat=True)) == {"call back", "new"}


@pytest.mark.django_db
def test_r_desk_1_only_the_next_shift_acknowledges(user_in_role):
    writer, reader = user_in_role("clerk"), user_in_role("clerk")
    entry = services.handover_write(shift_date=DAY, shift=Shift.EARLY, notes="a", user=writer)
    with pytest.raises(NotAllowed) as exc:
        services.handover_acknowledge(entry=entry, user=writer)
    assert exc.value.code == "R-DESK-1"
    services.handover_acknowledge(entry=entry, user=reader)
    entry.refresh_from_db()
    assert entry.acknowledged_by == reader and entry.acknowledged_at is not None
    with pytest.raises(Conflict):
        services.handover_acknowledge(entry=entry, user=reader)


@pytest.mark.django_db
def test_r_desk_1_one_entry_per_shift_and_notes_required(clerk):
    services.handover_write(shift_date=DAY, shift=Shift.EARLY, notes="a", user=clerk)
    with pytest.raises(Conflict):
        services.handover_write(shift_date=DAY, shift=Shift.EARLY, notes="again", user=clerk)
    with pytest.raises(RuleViolation) as exc:
        services.handover_write(shift_date=DAY, shift=Shift.LATE, notes="  ", user=clerk)
    assert exc.value.fields == {"notes": ["required"]}


@pytest.mark.django_db
def test_r_desk_1_closing_an_unknown_item_leaves_nothing_half_written(clerk):
    with pytest.raises(RuleViolation):
        services.handover_write(shift_date=DAY, shift=Shift.EARLY, notes="a", closed_item_ids=[999], user=clerk)
    from servicedesk.models import HandoverEntry

    assert not HandoverEntry.objects.exists()


@pytest.mark.django_db
def test_notification_with_key_is_sent_once_and_emailed(clerk, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notification_send(recipient=clerk, title="Escalated TS-1", key="esc:TS-1:1")
        again = services.notification_send(recipient=clerk, title="Escalated TS-1", key="esc:TS-1:1")
    assert first is not None and again is None
    assert len(mailoutbox) == 1 and mailoutbox[0].subject == "Escalated TS-1"


@pytest.mark.django_db
def test_notifications_send_bulk_writes_once_per_recipient_and_key(user_in_role, django_assert_max_num_queries):
    from servicedesk.services import NotificationDraft, notifications_send_bulk

    a, b = user_in_role("desk_supervisor"), user_in_role("ops_manager")
    drafts = [NotificationDraft(recipient=a, title="t1", key="k1"), NotificationDraft(recipient=b, title="t1", key="k1"),
              NotificationDraft(recipient=a, title="again", key="k1"), NotificationDraft(recipient=a, title="no key")]
    with django_assert_max_num_queries(2):  # one existence query, one INSERT
        new = notifications_send_bulk(drafts)
    assert [(n.recipient, n.title) for n in new] == [(a, "t1"), (b, "t1"), (a, "no key")]
    assert Notification.objects.count() == 3
    again = notifications_send_bulk(drafts[:3])  # a job running twice
    assert again == [] and Notification.objects.count() == 3


@pytest.mark.django_db
def test_notifications_email_digest_one_mail_per_recipient(user_in_role, django_capture_on_commit_callbacks):
    from django.core import mail

    from servicedesk.services import NotificationDraft, notifications_email_digest, notifications_send_bulk

    a, b = user_in_role("desk_supervisor"), user_in_role("ops_manager")
    new = notifications_send_bulk([NotificationDraft(recipient=a, title=f"T{i}", key=f"k{i}") for i in range(3)]
                                  + [NotificationDraft(recipient=b, title="only one", body="b", url="/x", key="k")])
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_email_digest(new) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[a.email].subject == "T0 (+2)" and all(f"T{i}" in by_to[a.email].body for i in range(3))
    assert by_to[b.email].subject == "only one" and by_to[b.email].body == "b\n/x"
