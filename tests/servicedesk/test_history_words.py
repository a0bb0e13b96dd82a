"""Issue 15: a record's history page says what changed in words — a status's label, not its code; no
"None" for an empty change reason or a missing user."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


def test_history_changes_read_as_labels_in_chinese():
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", stdout=devnull)
    slip = ReturnRequest.objects.order_by("pk").first()
    with translation.override("zh-hans"):
        before = str(slip.get_status_display())
    slip.status = "rejected" if slip.status != "rejected" else "refunded"
    slip.save()  # a new version: the page lists the status change
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(f"/returns/returnrequest/{slip.pk}/history/").content.decode()
    assert "&rarr;" in page
    slip.refresh_from_db()
    with translation.override("zh-hans"):
        after = str(slip.get_status_display())
    assert before in page and after in page  # the statuses' labels
    assert "awaiting_" not in page and "(pk=None)" not in page and ">None<" not in page.replace(" ", "").replace("\n", "")
