"""The one numbering service (servicedesk/numbering.py): gap-free and duplicate-free, inside the business
transaction, also when desks take numbers at the same moment (PostgreSQL with threads) — for the service
itself and for each of its users: return slips, voucher serials, card numbers."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from servicedesk.numbering import number_next, number_peek, numbers_take, sequence_seed


def run_at_once(n: int, work) -> list:
    """Run `work(i)` in n threads released together; returns what each answered (or raised)."""
    barrier, out, lock = threading.Barrier(n), [], threading.Lock()

    def worker(i):
        try:
            barrier.wait()
            result = work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            result = exc
        finally:
            connection.close()
        with lock:
            out.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@pytest.mark.django_db
def test_numbers_follow_each_other_per_key_from_the_start():
    with transaction.atomic():
        assert [number_next(key="TS-20261202") for _ in range(3)] == [1, 2, 3]
        assert number_next(key="TS-20261203") == 1  # another key, its own series
        assert list(numbers_take(key="book-A", count=5, start=4400001)) == [4400001, 4400002, 4400003, 4400004, 4400005]
    assert number_peek(key="book-A", start=4400001) == 4400006


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    with transaction.atomic():
        assert number_next(key="SW-20261202") == 1
    try:
        with transaction.atomic():
            assert number_next(key="SW-20261202") == 2
            raise RuntimeError("the intake failed")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert number_next(key="SW-20261202") == 2  # no gap: 2 was never used


@pytest.mark.django_db(transaction=True)
def test_numbers_are_never_handed_out_outside_a_transaction():
    with pytest.raises(RuntimeError):
        number_next(key="x")


@pytest.mark.django_db
def test_seed_continues_after_numbers_given_before_and_never_moves_back():
    sequence_seed(key="card", last=41)
    sequence_seed(key="card", last=7)
    with transaction.atomic():
        assert number_next(key="card") == 42


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_get_every_number_once():
    def take(_i):
        with transaction.atomic():
            return [number_next(key="concurrent") for _ in range(5)]

    results = run_at_once(8, take)
    numbers = sorted(n for r in results for n in r)
    assert numbers == list(range(1, 41))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_return_slips_are_numbered_without_gap_or_repeat(user_in_role):
    from returns.services import return_create
    from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory
    from tests.factories.returns import ReturnPolicyFactory

    ReturnPolicyFactory()
    receipts = []
    for i in range(4):
        receipt = ReceiptFactory(total=Decimal("200.00"), number=f"D-NUM-{i}")
        ReceiptLineFactory(receipt=receipt, line_no=1, category="clothing", unit_price=Decimal("200.00"),
                           list_price=Decimal("200.00"), quantity=1)
        receipts.append(receipt)
    clerk = user_in_role("clerk")

    def create(i):
        return return_create(side="dept", number=receipts[i].number, lines=[{"line_no": 1, "quantity": 1}],
                             reason="change_of_mind", user=clerk,
                             condition={"tags_intact": True, "unused": True, "opened": False}).number

    numbers = sorted(run_at_once(4, create))
    series = f"TH{timezone.localdate():%Y%m%d}"
    assert numbers == [f"{series}{n:06d}" for n in range(1, 5)], numbers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_voucher_serials_are_numbered_without_gap_or_repeat(user_in_role):
    from members.services import voucher_exchange
    from tests.factories.members import card_with_balance

    cards = [card_with_balance(market=600) for _ in range(4)]
    clerk = user_in_role("clerk")
    serials = sorted(run_at_once(4, lambda i: voucher_exchange(card=cards[i], points=600, user=clerk).serial))
    series = f"LW{timezone.localdate():%Y%m%d}"
    assert serials == [f"{series}{n:04d}" for n in range(1, 5)], serials


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_card_numbers_are_numbered_without_gap_or_repeat(user_in_role):
    from members.services import _card_number_allocate, card_stock_receive

    supervisor = user_in_role("desk_supervisor")
    card_stock_receive(quantity=10, user=supervisor)
    before = number_peek(key="card")

    def allocate(_i):
        with transaction.atomic():
            return _card_number_allocate(user=supervisor)[0]

    numbers = sorted(run_at_once(4, allocate))
    assert numbers == [f"88{n:011d}" for n in range(before, before + 4)], numbers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_keyed_notification_sent_by_two_desks_at_once_is_stored_once(user_in_role):
    # Two card issues at once both warn "stock low" for the day (R-CARD-3): one notification, no error.
    from servicedesk.models import Notification
    from servicedesk.services import notification_send

    supervisor = user_in_role("desk_supervisor")
    answers = run_at_once(4, lambda _i: notification_send(recipient=supervisor, title="low", key="card-stock-low:x",
                                                          email=False))
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert Notification.objects.filter(recipient=supervisor, key="card-stock-low:x").count() == 1
