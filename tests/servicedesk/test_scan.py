"""The scan box and the home per role (the counter issue, items 1 and 2): one box recognises a number by its
shape and opens the record, or lists the choices; each role's home shows its counter tasks first."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.factories.complaints import ComplaintFactory
from tests.factories.members import CardFactory, MemberFactory
from tests.factories.receipts import ReceiptFactory

pytestmark = pytest.mark.django_db
FIND = "/find/"


def test_a_scanned_card_number_opens_member_360(client, clerk):
    card = CardFactory(member=MemberFactory(name="王芳", phone="13800138000"))
    client.force_login(clerk)
    r = client.get(FIND, {"q": card.card_number})
    assert r.status_code == 302 and r.url == reverse("admin:members_card_360") + f"?card={card.card_number}"


def test_namesakes_are_listed_apart_by_masked_phone(client, clerk):
    CardFactory(member=MemberFactory(name="李娜", phone="13912345678"))
    CardFactory(member=MemberFactory(name="李娜", phone="13698765432"))
    client.force_login(clerk)
    html = client.get(FIND, {"q": "李娜"}).content.decode()
    assert "139****5678" in html and "136****5432" in html
    assert "13912345678" not in html  # R-VIP-7: the clerk sees masked numbers only


def test_receipt_complaint_and_slip_numbers_open_their_records(client, clerk):
    receipt = ReceiptFactory(number="D20261201-000777", total=D("10.00"))
    complaint = ComplaintFactory()
    client.force_login(clerk)
    assert client.get(FIND, {"q": receipt.number}).url == reverse("admin:receipts_receipt_change", args=[receipt.pk])
    assert client.get(FIND, {"q": complaint.number.lower()}).url == reverse("admin:complaints_complaint_ticket",
                                                                          args=[complaint.pk])


def test_nothing_found_says_what_can_be_scanned_and_the_box_is_empty_again(client, clerk):
    client.force_login(clerk)
    r = client.get(FIND, {"q": "8899"})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="scan-nothing"' in html
    assert 'value="8899"' not in html  # the box is cleared for the next scan


def test_roles_only_find_what_they_may_open(client, user_in_role):
    card = CardFactory()
    client.force_login(user_in_role("counter_staff"))  # no member permissions
    assert client.get(FIND, {"q": card.card_number}).status_code == 200  # a choice page with nothing on it
    client.logout()
    assert client.get(FIND, {"q": card.card_number}).status_code == 302  # anonymous → login


def test_the_clerks_home_is_the_scan_box_and_the_counter_tasks(client, clerk):
    client.force_login(clerk)
    html = client.get("/").content.decode()
    assert 'id="desk-scan-big"' in html and 'class="desk-tasks"' in html
    for url in (reverse("admin:members_card_enrol"), reverse("admin:members_card_360"),
                reverse("admin:complaints_complaint_intake"), reverse("admin:returns_returnrequest_counter"),
                reverse("admin:servicedesk_handoverentry_desk")):
        assert f'href="{url}"' in html
    assert 'id="app-list"' not in html and 'id="desk-all-lists"' in html  # the lists are one link away
    assert 'class="app-' in client.get("/?all=1").content.decode()


def test_a_cashiers_home_offers_no_counter_task_it_may_not_do(client, user_in_role):
    client.force_login(user_in_role("cashier"))
    html = client.get("/").content.decode()
    assert reverse("admin:members_card_enrol") not in html and reverse("admin:complaints_complaint_intake") not in html
