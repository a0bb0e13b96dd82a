"""Big-table admin helpers: exact indexed search first, deferred-join deep pages, estimated counts."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from receipts.models import Receipt
from servicedesk import admin_tools
from servicedesk.admin_tools import EstimatedCountPaginator
from tests.factories.receipts import ReceiptFactory

pytestmark = pytest.mark.django_db


def test_exact_search_tries_each_indexed_field_then_falls_back_to_contains():
    ReceiptFactory.create_batch(3, card_number="8800000000001")
    wanted = ReceiptFactory(number="D20261123-777777")
    model_admin = admin.site._registry[Receipt]
    request = RequestFactory().get("/")
    by_number, _ = model_admin.get_search_results(request, Receipt.objects.all(), "D20261123-777777")
    by_card, _ = model_admin.get_search_results(request, Receipt.objects.all(), " 8800000000001 ")
    by_part, _ = model_admin.get_search_results(request, Receipt.objects.all(), "777777")
    assert list(by_number) == [wanted]
    assert by_card.count() == 3
    assert list(by_part) == [wanted]  # no exact match: icontains on search_fields


def test_deep_pages_load_the_same_rows_in_the_same_order(monkeypatch):
    ReceiptFactory.create_batch(23)
    qs = Receipt.objects.order_by("-rung_at", "-id")
    plain = [list(EstimatedCountPaginator(qs, 5).page(n).object_list) for n in range(1, 6)]
    monkeypatch.setattr(admin_tools, "DEFERRED_JOIN_FROM", 0)
    deferred = [list(EstimatedCountPaginator(qs, 5, orphans=0).page(n).object_list) for n in range(1, 6)]
    assert deferred == plain and sum(len(p) for p in deferred) == 23


@pytest.mark.postgres
def test_counts_are_exact_when_small_and_estimated_when_big(monkeypatch):
    ReceiptFactory.create_batch(12, side="market")
    ReceiptFactory.create_batch(3, side="dept")
    assert EstimatedCountPaginator(Receipt.objects.filter(side="dept"), 5).count == 3
    monkeypatch.setattr(admin_tools, "ESTIMATE_ABOVE", 0)
    estimate = EstimatedCountPaginator(Receipt.objects.filter(side="dept"), 5).count
    assert isinstance(estimate, int) and estimate >= 1  # the planner's guess, not a COUNT(*)


def test_a_big_lists_row_links_are_the_admins_own_change_urls(admin_client):
    """QuickLinkChangeList reverses a row's link once per page: every row still links to its own page."""
    from django.urls import reverse

    from servicedesk.admin_tools import QuickLinkChangeList

    receipts = ReceiptFactory.create_batch(3)
    model_admin = admin.site._registry[Receipt]
    request = RequestFactory().get("/")
    request.user = admin_client.get("/").wsgi_request.user
    changelist = model_admin.get_changelist_instance(request)
    assert isinstance(changelist, QuickLinkChangeList)
    for receipt in receipts:
        assert changelist.url_for_result(receipt) == reverse("admin:receipts_receipt_change", args=[receipt.pk])
    page = admin_client.get(reverse("admin:receipts_receipt_changelist")).content.decode()
    assert all(f'href="{reverse("admin:receipts_receipt_change", args=[r.pk])}"' in page for r in receipts)
