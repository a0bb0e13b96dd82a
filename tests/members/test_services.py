"""Services of members/ with real numbers: rebate (R-RBT-1), reversal interface for returns, ledger (R-PTS-6),
effective-dated policy, scheduled jobs (R-VIP-9, R-VIP-4, R-CARD-3)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from members import selectors, services
from members.models import (
    BirthdayMailing,
    Card,
    CardStock,
    CategoryRate,
    MemberPolicy,
    PointsEntry,
    RebateRun,
    SmsOutbox,
    UnmaskedAccessLog,
)
from members.rules import PointsReversal
from receipts.services import receipt_ingest
from servicedesk.errors import RuleViolation
from servicedesk.models import Notification
from tests.factories.members import CardFactory, MemberFactory, card_with_balance

D = Decimal


def feed(*, card=None, lines, number="D1", side="dept", rung_at=None, now=None):
    data = {"side": side, "number": number, "rung_at": rung_at or timezone.now(),
            "card_number": card.card_number if card else None,
            "payment_method": "cash", "total": sum((D(ln["unit_price"]) * ln["quantity"] for ln in lines), D("0.00")),
            "lines": [{"description": "", "bulk_discount": False, "fresh": False, "sku": "1", "counter": "C-2F-07",
                       "category": "clothing", **ln, "list_price": D(ln.get("list_price", ln["unit_price"])),
                       "unit_price": D(ln["unit_price"])} for ln in lines]}
    return receipt_ingest(data=data, now=now)


# ------------------------------------------------------------------ R-RBT-1

def test_r_rbt_1_3500_points_on_31_dec_gives_70_and_zero_points(db):
    card = card_with_balance(dept=3500, stored=D("1.00"))
    small = card_with_balance(dept=999)
    empty = CardFactory()
    call_command("run_annual_rebate", "--year", "2026")
    card.refresh_from_db()
    small.refresh_from_db()
    assert (card.dept_points, card.stored_value) == (0, D("71.00"))
    assert (small.dept_points, small.stored_value) == (0, D("0.00"))
    assert Card.objects.get(pk=empty.pk).stored_value == D("0.00")
    assert RebateRun.objects.get(year=2026).summary() == "cards=3 cleared=1 rebated=1 total=70.00"
    call_command("verify_ledgers")


def test_r_rbt_1_run_twice_changes_nothing_and_prints_same(db, capsys):
    card = card_with_balance(dept=12000)
    call_command("run_annual_rebate", "--year", "2026")
    first = capsys.readouterr().out
    entries = PointsEntry.objects.count()
    services._ledger_move(card_id=card.pk, wallet="dept", kind="earn", delta=100, refuse_code="x")  # earned after the run
    call_command("run_annual_rebate", "--year", "2026")
    assert capsys.readouterr().out == first == "cards=1 cleared=0 rebated=1 total=480.00\n"
    assert PointsEntry.objects.count() == entries + 1
    assert Card.objects.get(pk=card.pk).dept_points == 100  # waits for next year's run


def test_r_rbt_1_resumable_after_crash(db):
    cards = [card_with_balance(dept=1000 * (i + 1)) for i in range(5)]
    run = services.annual_rebate_run(year=2026, chunk_size=2, max_chunks=1)  # "crashes" after one chunk
    assert run.status == "running" and run.cards == 2 and run.checkpoint_pk == cards[1].pk
    run = services.annual_rebate_run(year=2026, chunk_size=2)
    assert run.status == "done" and run.cards == 5 and run.rebated == 5
    # 1000×1% + 2000×1% + 3000×2% + 4000×2% + 5000×2% = 10 + 20 + 60 + 80 + 100
    assert run.total == D("270.00")
    assert PointsEntry.objects.filter(kind="clear").count() == 5
    call_command("verify_ledgers")


# ------------------------------------------------------------------ R-PTS-6 ledger

@pytest.mark.ledger_mismatch_expected
def test_r_pts_6_verify_ledgers_exits_nonzero_on_mismatch(db):
    card = card_with_balance(dept=10)
    call_command("verify_ledgers")
    Card.objects.filter(pk=card.pk).update(dept_points=11)
    with pytest.raises(SystemExit) as exc:
        call_command("verify_ledgers")
    assert exc.value.code == 1


def test_r_pts_6_ledger_rows_cannot_be_edited(db):
    card = card_with_balance(dept=10)
    entry = PointsEntry.objects.get(card=card)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_r_pts_6_balance_never_negative_db_constraint(db):
    from django.db import IntegrityError, transaction

    card = CardFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.filter(pk=card.pk).update(dept_points=-1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_pts_6_two_tills_crediting_one_card_lose_no_update():
    card = CardFactory()
    errors = []

    def till(prefix):
        try:
            for i in range(15):
                feed(card=card, number=f"{prefix}{i}", lines=[{"line_no": 1, "unit_price": "10.00", "quantity": 1}])
        except Exception as exc:  # noqa: BLE001 - any failure in the thread fails the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=till, args=(p,)) for p in ("A", "B")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert Card.objects.get(pk=card.pk).dept_points == 300
    assert list(PointsEntry.objects.filter(card=card).order_by("id").values_list("balance_after", flat=True)) == \
        [D(10 * i) for i in range(1, 31)]
    call_command("verify_ledgers")


# ------------------------------------------------------------------ policy as data

def test_policy_effective_dated_past_receipt_keeps_its_rate(db):
    old = MemberPolicy.objects.get()
    new = MemberPolicy.objects.create(effective_from=timezone.now() - dt.timedelta(minutes=1), note="2026 版")
    CategoryRate.objects.create(policy=new, category="clothing", full_yuan_per_point=D("2"), special_yuan_per_point=D("5"))
    assert selectors.policy_at(at=timezone.now()).category_rates["clothing"][0] == D("2")
    assert selectors.policy_at(at=timezone.now() - dt.timedelta(days=1)).policy_id == old.pk
    card = CardFactory(member=MemberFactory(birthday=None))
    body, _ = feed(card=card, lines=[{"line_no": 1, "unit_price": "1200.00", "quantity": 1}])
    assert body["points_earned"] == 600


# ------------------------------------------------------------------ returns interface

def test_points_reverse_for_return_partial_with_birthday_multiplier(db, clerk):
    today = timezone.localdate()
    card = CardFactory(member=MemberFactory(birthday=today.replace(year=1990)))
    feed(card=card, lines=[{"line_no": 1, "unit_price": "100.00", "quantity": 3},
                           {"line_no": 2, "unit_price": "50.00", "quantity": 1, "bulk_discount": True}])
    card.refresh_from_db()
    assert card.dept_points == 600  # 300 × 2 on the birthday; the bulk line earns nothing
    from receipts.models import Receipt

    receipt = Receipt.objects.get()
    quote = selectors.points_reversal_quote(receipt=receipt, returned={1: 1, 2: 1})
    assert quote == PointsReversal(wallet="dept", points=200, reversed_points=200, shortfall_points=0)
    result = services.points_reverse_for_return(receipt=receipt, returned={1: 1, 2: 1}, reference="RT-1", user=clerk)
    assert result == quote
    assert Card.objects.get(pk=card.pk).dept_points == 400
    entry = PointsEntry.objects.get(kind="reverse")
    assert (entry.points, entry.reference, entry.receipt_id) == (-200, "RT-1", receipt.pk)
    # the same return again changes nothing; the next return counts from what is left
    assert services.points_reverse_for_return(receipt=receipt, returned={1: 1, 2: 1}, reference="RT-1", user=clerk) == result
    second = services.points_reverse_for_return(receipt=receipt, returned={1: 2}, reference="RT-2", user=clerk)
    assert (second.points, second.reversed_points) == (400, 400)
    call_command("verify_ledgers")


def test_points_reverse_for_return_shortfall_when_points_spent(db, clerk):
    card = CardFactory(member=MemberFactory(birthday=None))
    feed(card=card, lines=[{"line_no": 1, "unit_price": "1000.00", "quantity": 1}])
    services.points_redeem(card=card, points=900, reference="gift", user=clerk)
    from receipts.models import Receipt

    result = services.points_reverse_for_return(receipt=Receipt.objects.get(), returned={1: 1}, reference="RT-9", user=clerk)
    assert result == PointsReversal(wallet="dept", points=1000, reversed_points=100, shortfall_points=900)
    assert Card.objects.get(pk=card.pk).dept_points == 0


def test_points_reverse_for_return_no_card_writes_nothing(db, clerk):
    feed(lines=[{"line_no": 1, "unit_price": "1000.00", "quantity": 1}])
    from receipts.models import Receipt

    result = services.points_reverse_for_return(receipt=Receipt.objects.get(), returned={1: 1}, reference="RT", user=clerk)
    assert result == PointsReversal(wallet="dept", points=0, reversed_points=0, shortfall_points=0)
    assert not PointsEntry.objects.exists()


def test_points_reverse_follows_replaced_card(db, clerk, card_stock):
    card = CardFactory(member=MemberFactory(birthday=None, id_number="E1"))
    feed(card=card, lines=[{"line_no": 1, "unit_price": "500.00", "quantity": 1}])
    rep = services.card_replace(card=card, reason="lost", id_number="E1", user=clerk)
    from receipts.models import Receipt

    result = services.points_reverse_for_return(receipt=Receipt.objects.get(), returned={1: 1}, reference="RT", user=clerk)
    assert result.reversed_points == 500 and Card.objects.get(pk=rep.new_card_id).dept_points == 0


# ------------------------------------------------------------------ jobs

def test_r_vip_9_birthday_sms_once(db, settings):
    today = timezone.localdate()
    CardFactory(member=MemberFactory(birthday=today.replace(year=1985), phone="13800000001"))
    CardFactory(member=MemberFactory(birthday=dt.date(1985, 1, 1) if today.month != 1 else dt.date(1985, 6, 1)))
    assert services.birthday_greetings_send(day=today) == 1
    assert services.birthday_greetings_send(day=today) == 0
    assert SmsOutbox.objects.get().phone == "13800000001"


def test_r_vip_9_birthday_card_list_5000_points_10_days_ahead(db):
    target = timezone.localdate() + dt.timedelta(days=10)
    rich = card_with_balance(dept=5000, member=MemberFactory(birthday=target.replace(year=1980)))
    card_with_balance(dept=4999, member=MemberFactory(birthday=target.replace(year=1980)))
    assert services.birthday_mailing_list_build(today=timezone.localdate()) == 1
    assert services.birthday_mailing_list_build(today=timezone.localdate()) == 0
    assert BirthdayMailing.objects.get().card_id == rich.pk


def test_r_vip_4_upgrade_sweep(db, django_capture_on_commit_callbacks):
    from tests.factories.receipts import ReceiptFactory

    card = CardFactory(tier="gold")
    ReceiptFactory(card_number=card.card_number, total=D("30000.00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.upgrade_checks_run(year=timezone.localdate().year) == 1
    assert Card.objects.get(pk=card.pk).tier == "platinum"
    assert SmsOutbox.objects.filter(key=f"upgrade:{card.card_number}").exists()
    assert services.upgrade_checks_run(year=timezone.localdate().year) == 0


def test_r_card_3_low_stock_warns_desk_supervisors_once(db, supervisor):
    CardStock.objects.update(on_hand=199)
    assert services.card_stock_check(today=timezone.localdate())
    services.card_stock_check(today=timezone.localdate())
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    CardStock.objects.update(on_hand=200)
    assert not services.card_stock_check(today=timezone.localdate())


def test_sms_backend_pluggable(db, settings):
    settings.MEMBERS_SMS_BACKEND = "tests.members.test_services.RecordingBackend"
    today = timezone.localdate()
    CardFactory(member=MemberFactory(birthday=today.replace(year=1985)))
    services.birthday_greetings_send(day=today)
    assert len(RecordingBackend.sent) == 1 and not SmsOutbox.objects.exists()


class RecordingBackend:
    sent: list = []

    def send(self, *, phone, text, key):
        self.sent.append((phone, key))
        return True


def test_tasks_run_eagerly(db):
    from members import tasks

    card_with_balance(dept=3500)
    assert tasks.annual_rebate_run_task.delay(2025).get() == "cards=1 cleared=0 rebated=1 total=70.00"
    assert tasks.card_stock_check_task.delay().get() is True


def test_r_vip_7_unmasked_view_logged(db, supervisor, user_in_role):
    member = MemberFactory(phone="13812345678")
    cashier = user_in_role("cashier")  # the role matrix does not grant members.view_unmasked to cashiers
    assert selectors.member_phone_for(member=member, user=cashier, context="test") == "138****5678"
    assert not UnmaskedAccessLog.objects.exists()
    assert selectors.member_phone_for(member=member, user=supervisor, context="test") == "13812345678"
    assert UnmaskedAccessLog.objects.get().user == supervisor


def test_stored_value_never_negative_r_rbt_4(db):
    card = card_with_balance(stored=D("10.00"))
    from django.db import transaction

    with pytest.raises(RuleViolation) as exc, transaction.atomic():
        services.stored_value_spend(card=card, amount=D("10.01"), reference="x")
    assert exc.value.code == "R-RBT-4"


def test_r_card_3_issuing_below_threshold_warns_at_once(db, supervisor, clerk, django_capture_on_commit_callbacks):
    CardStock.objects.update(on_hand=200)
    card = CardFactory(member=MemberFactory(id_number="E7"))
    with django_capture_on_commit_callbacks(execute=True):
        services.card_replace(card=card, reason="lost", id_number="E7", user=clerk)
    assert CardStock.objects.get().on_hand == 199
    assert Notification.objects.filter(recipient=supervisor, key__startswith="card-stock-low").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_rbt_2_two_desks_exchanging_one_balance_cannot_overdraw():
    from tests.factories.servicedesk import StaffUserFactory

    card = card_with_balance(market=700)
    clerks = [StaffUserFactory(role="clerk"), StaffUserFactory(role="clerk")]
    outcomes = []

    def desk(user):
        try:
            services.voucher_exchange(card=card, points=600, user=user)
            outcomes.append("ok")
        except RuleViolation as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(u,)) for u in clerks]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["R-RBT-2", "ok"]
    assert Card.objects.get(pk=card.pk).market_points == 100
    call_command("verify_ledgers")


def test_policy_copy_as_new_version_copies_every_row_and_refuses_a_second_copy_for_tomorrow(db):
    from members.models import CategoryRate, MemberPolicy, RebateBracket, VoucherRate
    from servicedesk.errors import Conflict

    policy = MemberPolicy.objects.get()
    copy = services.member_policy_copy_as_new_version(policy=policy)
    assert timezone.localtime(copy.effective_from).date() == timezone.localdate() + dt.timedelta(days=1)
    for model in (CategoryRate, RebateBracket, VoucherRate):
        assert model.objects.filter(policy=copy).count() == model.objects.filter(policy=policy).count() > 0
    with pytest.raises(Conflict):
        services.member_policy_copy_as_new_version(policy=policy)
