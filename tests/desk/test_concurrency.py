"""Two desks at the same moment (PostgreSQL row locks): lost-property numbers have no gap or duplicate
(R-DESK-3), one umbrella goes out once, free items never go below zero."""

import threading

import pytest
from django.db import connection

from desk import services
from desk.models import DepositEntry, LostProperty, SupplyItem, UmbrellaLoan
from servicedesk.errors import Conflict, RuleViolation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run(target, n):
    errors = []

    def wrapped(i):
        try:
            target(i)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_r_desk_3_lost_property_numbers_no_gap_no_duplicate_under_concurrent_intake(clerk):
    numbers = []

    def intake(i):
        for j in range(5):
            entry = services.lost_property_register(user=clerk, kind="found_item" if j % 2 else "lost_child",
                                                    description=f"物品 {i}-{j}", found_where="一楼")
            numbers.append(entry.number)

    assert _run(intake, 6) == []
    assert len(numbers) == len(set(numbers)) == 30
    prefixes = {n.rsplit("-", 1)[0] for n in numbers}
    assert len(prefixes) == 1
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 31))
    assert LostProperty.objects.filter(pa_insert__isnull=False).count() == 30  # every insert raised with its entry


def test_r_desk_3_one_umbrella_lent_once_when_two_desks_lend_it(clerk):
    barrier = threading.Barrier(4)
    conflicts = []

    def lend(i):
        barrier.wait()
        try:
            services.umbrella_lend(user=clerk, umbrella="U-017", customer_name=f"顾客{i}", phone="139")
        except Conflict:
            conflicts.append(i)

    assert _run(lend, 4) == []
    assert len(conflicts) == 3
    assert UmbrellaLoan.objects.filter(umbrella="U-017", status="out").count() == 1
    assert DepositEntry.objects.count() == 1


def test_r_desk_3_free_items_never_negative_when_desks_issue_at_once(clerk, supervisor):
    item = SupplyItem.objects.create(code="sewing-kit", name="针线包", kind="sewing_kit")
    services.supply_receive(item=item, quantity=5, user=supervisor)
    refused = []
    barrier = threading.Barrier(8)

    def issue(i):
        barrier.wait()
        try:
            services.supply_issue(item=SupplyItem.objects.get(pk=item.pk), quantity=1, user=clerk)
        except RuleViolation:
            refused.append(i)

    assert _run(issue, 8) == []
    item.refresh_from_db()
    assert item.on_hand == 0 and len(refused) == 3
