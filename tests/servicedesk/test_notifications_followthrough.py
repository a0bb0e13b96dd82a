"""Issue 15 follow-through: notifications open their record (and are read), close themselves when the
work is done (servicedesk.services.notifications_close), every desk role sees its own, and read-only
links lead only to pages the viewer may open."""

import pytest
from django.urls import reverse

from servicedesk import selectors, services
from servicedesk.models import Notification
from servicedesk.roles import ROLES

pytestmark = pytest.mark.django_db


def test_notifications_close_by_key_and_prefix_for_every_recipient(user_in_role):
    a, b = user_in_role("desk_supervisor"), user_in_role("ops_manager")
    for user in (a, b):
        services.notification_send(recipient=user, title="serious", key="cmp:1:serious", email=False)
        services.notification_send(recipient=user, title="esc", key="cmp:1:esc:awaiting_routing:9:L1", email=False)
        services.notification_send(recipient=user, title="other ticket", key="cmp:12:serious", email=False)
    assert selectors.notifications_unread(user=a).count() == 3

    assert services.notifications_close(key_prefix="cmp:1:", reason="routed") == 4  # 2 keys × 2 recipients
    assert selectors.notifications_unread(user=a).count() == 1  # the count on the home drops at once
    closed = Notification.objects.get(recipient=b, key="cmp:1:serious")
    assert closed.done_at is not None and closed.read_at is not None and closed.done_reason == "routed"
    assert Notification.objects.get(recipient=a, key="cmp:12:serious").done_at is None  # "cmp:1:" ≠ "cmp:12:"
    assert services.notifications_close(key_prefix="cmp:1:") == 0  # closing twice closes nothing more

    assert services.notifications_close(keys=["cmp:12:serious"]) == 2
    with pytest.raises(ValueError):
        services.notifications_close()


def test_closing_an_already_read_notification_marks_it_done_and_keeps_its_read_time(clerk):
    note = services.notification_send(recipient=clerk, title="t", key="k:1:", email=False)
    services.notification_mark_read(notification=note, user=clerk)
    read_at = Notification.objects.get(pk=note.pk).read_at
    assert services.notifications_close(keys=["k:1:"]) == 1
    note.refresh_from_db()
    assert note.done_at is not None and note.read_at == read_at


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client, clerk, user_in_role):
    target = reverse("admin:complaints_complaint_changelist")
    note = services.notification_send(recipient=clerk, title="Complaint TS-1", url=target, key="x", email=False)
    client.force_login(clerk)
    listing = client.get(reverse("admin:servicedesk_notification_changelist"))
    open_url = reverse("admin:servicedesk_notification_open", args=[note.pk])
    assert listing.status_code == 200 and open_url in listing.content.decode()
    response = client.get(open_url)
    assert response.status_code == 302 and response.url == target
    note.refresh_from_db()
    assert note.read_at is not None and selectors.notifications_unread(user=clerk).count() == 0
    # someone else's notification is not there for this user
    other = services.notification_send(recipient=user_in_role("clerk"), title="not yours", email=False)
    assert client.get(reverse("admin:servicedesk_notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_a_notification_without_link_opens_its_own_page(client, clerk):
    note = services.notification_send(recipient=clerk, title="no link", url="https://evil.example/", email=False)
    client.force_login(clerk)
    response = client.get(reverse("admin:servicedesk_notification_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == reverse("admin:servicedesk_notification_change",
                                                                     args=[note.pk])


@pytest.mark.parametrize("role", [name for name, spec in ROLES.items() if spec.is_staff and not spec.is_superuser])
def test_every_desk_role_sees_its_own_notifications(client, user_in_role, role):
    user = user_in_role(role)
    assert user.has_perm("servicedesk.view_notification"), role
    note = services.notification_send(recipient=user, title=f"for {role}", url="/", email=False)
    client.force_login(user)
    page = client.get(reverse("admin:servicedesk_notification_changelist"))
    assert page.status_code == 200 and f"for {role}" in page.content.decode()
    assert client.get(reverse("admin:servicedesk_notification_open", args=[note.pk])).status_code == 302


def test_the_clerk_sees_no_link_to_the_user_page_the_supervisor_issued_by_admin_does(client, clerk, user_in_role):
    from tests.factories.members import CardFactory

    issuer = user_in_role("desk_supervisor", username="issuer")
    card = CardFactory(issued_by=issuer)
    url = reverse("admin:members_card_change", args=[card.pk])
    user_page = reverse("admin:auth_user_change", args=[issuer.pk])
    client.force_login(clerk)
    html = client.get(url).content.decode()
    assert "issuer" in html and user_page not in html and "/auth/user/" not in html
    assert client.get(user_page).status_code == 403  # the page the link would have led to
    # a link the clerk may open stays a link (the card's member)
    assert reverse("admin:members_member_change", args=[card.member.pk]) in html
    client.force_login(user_in_role("admin"))
    assert user_page in client.get(url).content.decode()
