"""Issue 15 follow-through in members: a blocked card's admin page leads to its replacement; receiving
blank cards closes the low-stock warning (R-CARD-3)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import CardStock
from servicedesk.models import Notification
from tests.factories.members import MemberFactory, card_with_balance

pytestmark = pytest.mark.django_db


def test_a_blocked_cards_admin_page_leads_to_its_replacement(client, clerk, card_stock):
    card = card_with_balance(dept=120, member=MemberFactory(id_number="11010519491231002X"))
    new = services.card_replace(card=card, reason="lost", id_number="11010519491231002X", user=clerk).new_card
    client.force_login(clerk)
    html = client.get(reverse("admin:members_card_change", args=[card.pk])).content.decode()
    assert 'id="card-replaced-by"' in html
    assert reverse("admin:members_card_change", args=[new.pk]) in html
    assert f'{reverse("admin:members_card_360")}?card={new.card_number}' in html
    assert "余额已转至卡" in html  # zh-hans, the desk's language
    active = client.get(reverse("admin:members_card_change", args=[new.pk])).content.decode()
    assert 'id="card-replaced-by"' not in active


def test_r_card_3_receiving_blank_cards_closes_the_low_stock_warning(supervisor):
    CardStock.objects.update(on_hand=199)
    assert services.card_stock_check(today=timezone.localdate())
    warning = Notification.objects.get(recipient=supervisor, key__startswith="card-stock-low:")
    services.card_stock_receive(quantity=1, user=supervisor)  # 200: not low any more (threshold 200)
    warning.refresh_from_db()
    assert warning.done_at is not None and warning.read_at is not None and "1" in warning.done_reason


def test_r_card_3_receiving_too_few_keeps_the_warning_open(supervisor):
    CardStock.objects.update(on_hand=10)
    services.card_stock_check(today=timezone.localdate())
    services.card_stock_receive(quantity=5, user=supervisor)
    assert Notification.objects.get(recipient=supervisor, key__startswith="card-stock-low:").done_at is None
