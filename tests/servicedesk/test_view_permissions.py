"""The desk's own pages and endpoints (handover book, notifications) against the role matrix."""

from tests.factories.servicedesk import HandoverEntryFactory, HandoverItemFactory
from tests.viewcases import ViewCase, view_case_test


def entry_pk(user):
    return {"pk": HandoverEntryFactory().pk}  # written by someone else, so the user may acknowledge it


def item_pk(user):
    return {"pk": HandoverItemFactory().pk}


def own_notification_pk(user):
    from servicedesk.services import notification_send

    return {"pk": notification_send(recipient=user, title="t", email=False).pk}


CASES = [
    ViewCase("admin:servicedesk_handoverentry_desk", "servicedesk.view_handoverentry"),
    ViewCase("admin:servicedesk_handoverentry_acknowledge", "servicedesk.change_handoverentry", "post", args=entry_pk),
    ViewCase("servicedesk-api:handoverentry-list", "servicedesk.view_handoverentry"),
    ViewCase("servicedesk-api:handoverentry-list", "servicedesk.add_handoverentry", "post", id="POST handoverentry-list"),
    ViewCase("servicedesk-api:handoverentry-detail", "servicedesk.view_handoverentry", args=entry_pk),
    ViewCase("servicedesk-api:handoverentry-acknowledge", "servicedesk.change_handoverentry", "post", args=entry_pk),
    ViewCase("servicedesk-api:handoveritem-list", "servicedesk.view_handoveritem"),
    ViewCase("servicedesk-api:handoveritem-detail", "servicedesk.view_handoveritem", args=item_pk),
    ViewCase("servicedesk-api:handoveritem-close", "servicedesk.change_handoveritem", "post", args=item_pk),
    # every signed-in user reads and marks only their own notifications
    ViewCase("servicedesk-api:notification-list", None),
    ViewCase("servicedesk-api:notification-detail", None, args=own_notification_pk),
    ViewCase("servicedesk-api:notification-read", None, "post", args=own_notification_pk),
]

test_view_permissions = view_case_test(CASES)
