"""Issue 15: signing a loss report closes the desk supervisors' sign requests (R-INV-7)."""

import pytest

from invoices import services
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


def test_r_inv_7_signing_closes_the_sign_request(book, clerk, supervisor, user_in_role):
    other = user_in_role("desk_supervisor")
    loss = services.invoice_loss_report(book=book.code, numbers=["04400007"], reason="遗失", user=clerk)
    requests = Notification.objects.filter(key=f"invoice-loss-{loss.pk}-sign")
    assert set(requests.values_list("recipient", flat=True)) >= {supervisor.pk, other.pk}
    assert {n.url for n in requests} == {f"/invoices/invoiceloss/{loss.pk}/change/"}
    services.invoice_loss_sign(loss=loss, user=supervisor)
    assert requests.filter(done_at__isnull=True).count() == 0  # the other supervisor's request is done too
    assert Notification.objects.filter(key=f"invoice-loss-{loss.pk}-routed", done_at__isnull=True).exists()
