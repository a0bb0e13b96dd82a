"""Issue 15: explaining a gift stock variance closes its notice and reminders (R-GIFT-7)."""

import pytest
from django.utils import timezone

from gifts import services
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


def test_r_gift_7_explaining_the_variance_closes_its_notice_and_reminders(umbrella, clerk, supervisor):
    take = services.stocktake_record(item="G-UMB-01", counted=97, period="daily", user=clerk)
    assert services.variance_reminders_send(now=timezone.now() + timezone.timedelta(hours=25)) == 1
    notes = Notification.objects.filter(recipient=supervisor, key__startswith=f"gift-variance-{take.pk}")
    assert notes.count() == 2 and notes[0].url.endswith(f"/gifts/stocktake/{take.pk}/change/")
    services.stocktake_explain(stocktake=take, explanation="三把伞破损报废", user=supervisor)
    assert notes.filter(done_at__isnull=True).count() == 0
