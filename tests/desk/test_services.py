"""Services of the desk (R-DESK-2…4) with the rules' numbers."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from broadcast.models import UrgentInsert
from desk import selectors, services
from desk.models import DeliveryRequest, DepositEntry, DeskPolicy, LostProperty, SupplyEntry, UmbrellaLoan
from servicedesk.errors import Conflict, RuleViolation
from servicedesk.models import Notification
from tests.factories.members import CardFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- R-DESK-2
def test_r_desk_2_enquiry_counts_by_topic_channel_and_store_hour(clerk, at):
    services.enquiry_log(user=clerk, channel="phone", topic="brand_location", now=at(2026, 12, 1, 9, 15))
    services.enquiry_log(user=clerk, channel="phone", topic="brand_location", now=at(2026, 12, 1, 9, 40))
    services.enquiry_log(user=clerk, channel="in_person", topic="directions", question="洗手间", now=at(2026, 12, 1, 14, 5))
    services.enquiry_log(user=clerk, channel="in_person", topic="services", now=at(2026, 12, 2, 0, 30))  # next store day
    counts = selectors.enquiry_counts(start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2))
    assert counts["total"] == 3
    assert counts["by_topic"] == {"brand_location": 2, "directions": 1, "services": 0, "other": 0}
    assert counts["by_channel"] == {"phone": 2, "in_person": 1}
    assert counts["by_hour"][9] == 2 and counts["by_hour"][14] == 1 and sum(counts["by_hour"].values()) == 3


def test_r_desk_2_unknown_topic_refused(clerk):
    with pytest.raises(RuleViolation) as exc:
        services.enquiry_log(user=clerk, channel="phone", topic="weather")
    assert exc.value.code == "R-DESK-2" and "topic" in exc.value.fields


def test_r_desk_2_directory_search_by_name_part_initials_counter_floor(supervisor):
    services.brand_save(user=supervisor, brand="雅诗兰黛", floor="1F", counter="C-1F-01", category="化妆品")
    services.brand_save(user=supervisor, brand="耐克", floor="4F", counter="C-4F-03", category="运动")
    names = lambda q: [b.brand for b in selectors.brands_search(q=q)]  # noqa: E731
    assert names("兰黛") == ["雅诗兰黛"]
    assert names("ysld") == ["雅诗兰黛"]
    assert names("YSLD") == ["雅诗兰黛"]
    assert names("c-4f") == ["耐克"]
    assert names("4F") == ["耐克"]
    # the season's floor plan: the same brand moves
    services.brand_save(user=supervisor, brand="耐克", floor="5F", counter="C-5F-01")
    assert names("5F") == ["耐克"] and names("4F") == []


# ---------------------------------------------------------------- R-DESK-3 umbrellas
def _lend(clerk, code, now):
    return services.umbrella_lend(user=clerk, umbrella=code, customer_name="陈女士", phone="13800001234",
                                  deposit=Decimal("20.00"), now=now)


def test_r_desk_3_three_lent_two_returned_40_refunded_20_held_and_the_day_reconciles(clerk, at):
    loans = [_lend(clerk, f"U-00{i}", at(2026, 12, 1, 10, i)) for i in range(1, 4)]
    for loan in loans[:2]:
        services.umbrella_return(loan=loan, user=clerk, now=at(2026, 12, 1, 16, 0))
    day = selectors.deposit_day(day=dt.date(2026, 12, 1))
    assert day.taken == Decimal("60.00")
    assert day.refunded == Decimal("40.00")
    assert day.held_at_close == Decimal("20.00")
    assert day.cash_change == Decimal("20.00")
    count = services.deposit_cash_count(user=clerk, day=dt.date(2026, 12, 1), counted="20.00")
    assert count.expected == Decimal("20.00") and count.variance == Decimal("0.00")
    short = services.deposit_cash_count(user=clerk, day=dt.date(2026, 12, 1), counted="10.00")
    assert short.variance == Decimal("-10.00")
    # the next day opens with the 20.00 still held
    assert selectors.deposit_day(day=dt.date(2026, 12, 2)).held_at_open == Decimal("20.00")


def test_r_desk_3_policy_deposit_when_none_given(clerk, at):
    loan = services.umbrella_lend(user=clerk, umbrella="u-9", customer_name="刘", phone="139", now=at(2026, 12, 1, 10))
    assert loan.umbrella == "U-9" and loan.deposit == Decimal("20.00")
    assert loan.due_at == at(2026, 12, 4, 10) and loan.forfeit_at == at(2026, 12, 31, 10)


def test_r_desk_3_umbrella_out_cannot_be_lent_again_and_returning_twice_is_409(clerk, at):
    loan = _lend(clerk, "U-017", at(2026, 12, 1, 10))
    with pytest.raises(Conflict):
        _lend(clerk, "U-017", at(2026, 12, 1, 11))
    services.umbrella_return(loan=loan, user=clerk, now=at(2026, 12, 1, 12))
    with pytest.raises(Conflict):
        services.umbrella_return(loan=loan, user=clerk, now=at(2026, 12, 1, 13))
    assert DepositEntry.objects.filter(loan=loan).count() == 2
    _lend(clerk, "U-017", at(2026, 12, 1, 14))  # back on the stand: it may go out again


def test_r_desk_3_overdue_after_3_days_deposit_kept_after_30(clerk, supervisor, at):
    loan = _lend(clerk, "U-003", at(2026, 11, 1, 10))
    assert list(selectors.loans_overdue(now=at(2026, 11, 4, 9, 59))) == []
    assert list(selectors.loans_overdue(now=at(2026, 11, 4, 10))) == [loan]
    with pytest.raises(RuleViolation) as exc:
        services.umbrella_forfeit(loan=loan, user=supervisor, now=at(2026, 11, 30, 10))
    assert exc.value.code == "R-DESK-3"
    assert services.umbrellas_forfeit_due(now=at(2026, 12, 1, 10)) == 1
    assert services.umbrellas_forfeit_due(now=at(2026, 12, 1, 10)) == 0  # idempotent
    loan.refresh_from_db()
    assert loan.status == "forfeited"
    kept = DepositEntry.objects.get(loan=loan, kind="forfeited")
    assert kept.amount == Decimal("20.00") and kept.cash == Decimal("0.00") and kept.held_change == Decimal("-20.00")
    day = selectors.deposit_day(day=dt.date(2026, 12, 1))
    assert day.forfeited == Decimal("20.00") and day.held_at_close == Decimal("0.00")
    with pytest.raises(Conflict):
        services.umbrella_return(loan=loan, user=clerk)


def test_r_desk_3_a_new_policy_version_sets_the_deposit(clerk, at):
    DeskPolicy.objects.create(effective_from=dt.date(2026, 12, 10), umbrella_deposit=Decimal("50.00"),
                              umbrella_loan_days=1, umbrella_forfeit_days=14, lost_property_holding_days=30)
    before = services.umbrella_lend(user=clerk, umbrella="U-1", customer_name="甲", phone="1", now=at(2026, 12, 9, 10))
    after = services.umbrella_lend(user=clerk, umbrella="U-2", customer_name="乙", phone="2", now=at(2026, 12, 10, 10))
    assert before.deposit == Decimal("20.00") and after.deposit == Decimal("50.00")
    assert after.due_at == at(2026, 12, 11, 10)


# ---------------------------------------------------------------- R-DESK-3 / R-DESK-4 supplies
def test_r_desk_3_free_items_never_go_negative(sewing_kits, clerk):
    services.supply_issue(item=sewing_kits, quantity=3, user=clerk)
    sewing_kits.refresh_from_db()
    assert sewing_kits.on_hand == 7
    with pytest.raises(RuleViolation) as exc:
        services.supply_issue(item=sewing_kits, quantity=8, user=clerk)
    assert exc.value.code == "R-DESK-3"
    sewing_kits.refresh_from_db()
    assert sewing_kits.on_hand == 7
    assert list(SupplyEntry.objects.filter(item=sewing_kits).order_by("id").values_list("quantity", "balance_after")) == [
        (10, 10), (-3, 7)]


def test_r_desk_4_monthly_stocktake_books_the_variance_once(sewing_kits, clerk, at):
    services.supply_issue(item=sewing_kits, quantity=2, user=clerk)  # 8 on the ledger
    st = services.supply_stocktake(item=sewing_kits, counted=6, user=clerk, month=dt.date(2026, 11, 1),
                                   now=at(2026, 11, 30, 20))
    assert (st.expected, st.counted, st.variance) == (8, 6, -2)
    sewing_kits.refresh_from_db()
    assert sewing_kits.on_hand == 6 and st.entry.kind == "adjust" and st.entry.quantity == -2
    with pytest.raises(Conflict):
        services.supply_stocktake(item=sewing_kits, counted=6, user=clerk, month=dt.date(2026, 11, 1))
    report = selectors.monthly_report(month="2026-11")
    assert report["supplies_stocktake"] == [{"item": "sewing-kit", "name": "针线包", "expected": 8, "counted": 6,
                                             "variance": -2}]


# ---------------------------------------------------------------- R-DESK-3 wrapping, deliveries, bags
def test_r_desk_3_gift_wrapping_only_for_an_active_card(clerk):
    card = CardFactory()
    wrap = services.gift_wrap_log(user=clerk, card_number=card.card_number, items=2)
    assert wrap.card == card and wrap.items == 2
    blocked = CardFactory(status="blocked")
    for number in (blocked.card_number, "0000"):
        with pytest.raises(RuleViolation) as exc:
            services.gift_wrap_log(user=clerk, card_number=number)
        assert exc.value.code == "R-DESK-3" and "card_number" in exc.value.fields


def test_r_desk_3_delivery_followed_until_delivered(clerk, at):
    req = services.delivery_request(user=clerk, customer_name="孙先生", phone="136", address="浦东新区88号", goods="冰箱一台")
    with pytest.raises(Conflict):
        services.delivery_move(request=req, to="delivered", user=clerk)
    with pytest.raises(RuleViolation):
        services.delivery_move(request=req, to="scheduled", user=clerk)  # needs the day
    services.delivery_move(request=req, to="scheduled", scheduled_for=dt.date(2026, 12, 3), user=clerk)
    services.delivery_move(request=req, to="out_for_delivery", user=clerk)
    done = services.delivery_move(request=req, to="delivered", user=clerk, now=at(2026, 12, 3, 15))
    assert done.status == "delivered" and done.delivered_at == at(2026, 12, 3, 15)
    assert DeliveryRequest.history.filter(id=req.pk).count() == 4


def test_r_desk_3_bag_storage_tag_handed_over_and_given_back(clerk):
    services.bag_store(user=clerk, tag="b-05", description="购物袋两个")
    with pytest.raises(Conflict):
        services.bag_store(user=clerk, tag="B-05")
    bag = services.bag_give_back(tag="B-05", user=clerk)
    assert bag.status == "returned"
    with pytest.raises(Conflict):
        services.bag_give_back(tag="B-05", user=clerk)
    services.bag_store(user=clerk, tag="B-05")  # the tag is free again


# ---------------------------------------------------------------- R-DESK-3 lost property and the PA (R-BC-4)
def test_r_desk_3_lost_child_numbered_and_raises_the_pa_insert_in_the_same_step(clerk, at):
    with time_machine.travel(at(2026, 12, 1, 7, 30), tick=False):  # 23:30 UTC the day before: the store's 1 Dec
        entry = services.lost_property_register(user=clerk, kind="lost_child", description="男孩，约5岁，穿红色外套",
                                                found_where="三楼童装区")
    assert entry.number == "SW-20261201-0001" and entry.status == "held"
    insert = UrgentInsert.objects.get()
    assert entry.pa_insert == insert
    assert insert.kind == "lost_child" and insert.status == "queued" and insert.source_ref == "SW-20261201-0001"
    assert "男孩，约5岁，穿红色外套" in insert.text and "服务台" in insert.text  # from the approved template
    assert entry.dispose_after == dt.date(2027, 3, 1)  # 90 days


def test_r_desk_3_found_item_announced_as_lost_property_unless_told_not(clerk, at):
    wallet = services.lost_property_register(user=clerk, description="黑色钱包", found_where="一楼", now=at(2026, 12, 1, 10))
    assert wallet.pa_insert.kind == "lost_property" and wallet.number in wallet.pa_insert.text
    pen = services.lost_property_register(user=clerk, description="圆珠笔", found_where="二楼", announce=False,
                                          now=at(2026, 12, 1, 11))
    assert pen.pa_insert is None and pen.number == "SW-20261201-0002"
    assert UrgentInsert.objects.count() == 1


def test_r_desk_3_no_pa_insert_means_nothing_registered(clerk, at, monkeypatch):
    import broadcast.services

    def fail(**kwargs):
        raise RuleViolation("no template", code="R-BC-4")

    monkeypatch.setattr(broadcast.services, "urgent_insert_raise", fail)
    with pytest.raises(RuleViolation):
        services.lost_property_register(user=clerk, kind="lost_child", description="女孩", found_where="一楼",
                                        now=at(2026, 12, 1, 10))
    assert not LostProperty.objects.exists()
    # the number went back with the rollback: the next entry is still 0001
    entry = services.lost_property_register(user=clerk, description="伞", found_where="一楼", announce=False,
                                            now=at(2026, 12, 1, 10))
    assert entry.number == "SW-20261201-0001"


def test_r_desk_3_claim_links_back_to_the_insert_and_withdraws_it_if_not_aired(clerk, at):
    entry = services.lost_property_register(user=clerk, kind="lost_child", description="男孩", found_where="三楼",
                                            now=at(2026, 12, 1, 10))
    claimed = services.lost_property_claim(entry=entry, user=clerk, claimant_name="孩子妈妈", id_number="110105194912310021",
                                           phone="13800138000", now=at(2026, 12, 1, 10, 5))
    assert claimed.status == "claimed" and claimed.pa_insert_id == entry.pa_insert_id
    assert UrgentInsert.objects.get().status == "withdrawn"
    assert claimed.masked_claimant_id == "110105********0021" and claimed.masked_claimant_phone == "138****8000"
    ev = claimed.events.get(type="claimed")
    assert ev.parameters == {"insert": entry.pa_insert_id, "insert_withdrawn": True}
    with pytest.raises(Conflict):
        services.lost_property_claim(entry=entry, user=clerk, claimant_name="x", id_number="1", phone="1")


def test_r_desk_3_claim_after_the_insert_aired_keeps_it_aired(clerk, user_in_role, at):
    from broadcast.services import urgent_insert_air

    entry = services.lost_property_register(user=clerk, description="钱包", found_where="一楼", now=at(2026, 12, 1, 10))
    urgent_insert_air(insert=entry.pa_insert, user=user_in_role("announcer"), now=at(2026, 12, 1, 10, 1))
    services.lost_property_claim(entry=entry, user=clerk, claimant_name="失主", id_number="E12345678", phone="139")
    assert UrgentInsert.objects.get().status == "aired"


def test_r_vip_7_claimant_id_unmasked_only_for_the_supervisor_and_logged(clerk, supervisor, at):
    from desk.models import ClaimantUnmaskedView

    entry = services.lost_property_register(user=clerk, description="钱包", found_where="一楼", announce=False)
    services.lost_property_claim(entry=entry, user=clerk, claimant_name="失主", id_number="110105194912310021", phone="139")
    entry.refresh_from_db()
    assert selectors.claimant_id_number_for(entry=entry, user=clerk, context="t") == "110105********0021"
    assert not ClaimantUnmaskedView.objects.exists()
    assert selectors.claimant_id_number_for(entry=entry, user=supervisor, context="t") == "110105194912310021"
    assert ClaimantUnmaskedView.objects.get().user == supervisor


def test_r_desk_3_disposal_only_after_the_holding_period_and_kept(clerk, supervisor, at):
    entry = services.lost_property_register(user=clerk, description="雨伞", found_where="门口", announce=False,
                                            now=at(2026, 12, 1, 10))
    with pytest.raises(RuleViolation) as exc:
        services.lost_property_dispose(entry=entry, user=supervisor, disposal="捐赠", now=at(2027, 3, 1, 20))
    assert exc.value.code == "R-DESK-3"
    assert list(selectors.lost_property_due_for_disposal(today=dt.date(2027, 3, 2))) == [entry]
    done = services.lost_property_dispose(entry=entry, user=supervisor, disposal="交派出所", now=at(2027, 3, 2, 9))
    assert done.status == "disposed" and LostProperty.objects.filter(pk=entry.pk).exists()
    with pytest.raises(Conflict):
        services.lost_property_claim(entry=entry, user=clerk, claimant_name="x", id_number="1", phone="1")


# ---------------------------------------------------------------- R-DESK-4 reports
def _card_issued(at_, tier="gold", **kw):
    return CardFactory(tier=tier, issued_at=at_, **kw)


def test_r_desk_4_weekly_report_counts_the_store_week(clerk, at):
    from members.models import CardReplacement
    from tests.factories.complaints import ComplaintFactory

    _card_issued(at(2026, 11, 23, 0, 10))  # Monday just after midnight, store time
    _card_issued(at(2026, 11, 25, 12), tier="platinum")
    old = _card_issued(at(2026, 11, 1, 12))
    new = _card_issued(at(2026, 11, 26, 12))  # a replacement: a card issued, not a new member
    CardReplacement.objects.create(old_card=old, new_card=new, reason="lost", fee=Decimal("5.00"), by=clerk)
    _card_issued(at(2026, 11, 30, 0, 5))  # the next week
    ComplaintFactory(received_at=at(2026, 11, 24, 10), type="quality")
    ComplaintFactory(received_at=at(2026, 11, 27, 10), type="other")
    ComplaintFactory(received_at=at(2026, 11, 22, 23, 59), type="other")  # the week before
    services.enquiry_log(user=clerk, channel="phone", topic="directions", now=at(2026, 11, 29, 23, 59))
    report = selectors.weekly_report(week="2026-W48")
    assert report["new_members"] == {"gold": 1, "platinum": 1}
    assert report["cards_issued"] == 3
    assert report["complaints"] == 2 and report["complaints_by_type"] == {"other": 1, "quality": 1}
    assert report["enquiries"] == 1


def test_r_desk_4_monthly_report_vouchers_calls_cards(clerk, at):
    from members.choices import EntryKind, Wallet
    from members.models import PointsEntry, Voucher

    card = _card_issued(at(2026, 11, 3, 10))
    for serial, value, when in (("V1", "30.00", at(2026, 11, 5, 10)), ("V2", "10.00", at(2026, 11, 30, 23)),
                                ("V3", "10.00", at(2026, 12, 1, 0, 1))):
        entry = PointsEntry.objects.create(card=card, wallet=Wallet.MARKET, kind=EntryKind.REDEEM, points=0,
                                           balance_after=0, reference=serial, by=clerk)
        v = Voucher.objects.create(serial=serial, card=card, points=250, value=Decimal(value), entry=entry, issued_by=clerk)
        Voucher.objects.filter(pk=v.pk).update(created_at=when)
    services.enquiry_log(user=clerk, channel="phone", topic="services", now=at(2026, 11, 10, 10))
    services.enquiry_log(user=clerk, channel="phone", topic="other", now=at(2026, 11, 11, 10))
    services.enquiry_log(user=clerk, channel="in_person", topic="other", now=at(2026, 11, 12, 10))
    report = selectors.monthly_report(month="2026-11")
    assert report["vouchers_issued"] == {"count": 2, "value": "40.00"}
    assert report["enquiry_calls"] == 2 and report["enquiries"] == 3
    assert report["cards_issued"] == 1
    assert report["gifts_issued"] == 0  # the gifts app has no ledger on this branch yet (documented)


def test_r_desk_4_prepared_report_notifies_the_desk_supervisor_once(supervisor, user_in_role, at):
    manager = user_in_role("ops_manager")
    with time_machine.travel(at(2026, 11, 30, 7, 30), tick=False):
        report = services.reports_prepare_due(kind="weekly")
        again = services.reports_prepare_due(kind="weekly")
    assert report.period == "2026-W48" and again.pk == report.pk
    assert Notification.objects.filter(recipient=supervisor, key="desk-report:weekly:2026-W48").count() == 1
    assert not Notification.objects.filter(recipient=manager).exists()
    with time_machine.travel(at(2026, 12, 1, 7, 40), tick=False):
        assert services.reports_prepare_due(kind="monthly").period == "2026-11"


def test_r_desk_4_tasks_run_the_services(supervisor, at):
    from desk.tasks import report_prepare_monthly, report_prepare_weekly, umbrellas_forfeit_due

    with time_machine.travel(at(2026, 12, 7, 7, 30), tick=False):
        assert report_prepare_weekly.delay().get() == "2026-W49"
        assert report_prepare_monthly.delay().get() == "2026-11"
        assert umbrellas_forfeit_due.delay().get() == 0


def test_deposit_and_supplies_ledger_checks_find_a_broken_balance(sewing_kits, clerk, at):
    from desk.hooks import DepositLedgerCheck, SupplyLedgerCheck
    from desk.models import SupplyItem

    loan = _lend(clerk, "U-1", at(2026, 12, 1, 10))
    assert DepositLedgerCheck().mismatches() == [] and SupplyLedgerCheck().mismatches() == []
    UmbrellaLoan.objects.filter(pk=loan.pk).update(deposit=Decimal("30.00"))
    SupplyItem.objects.filter(pk=sewing_kits.pk).update(on_hand=11)
    assert len(DepositLedgerCheck().mismatches()) == 1
    assert SupplyLedgerCheck().mismatches() == ["supply sewing-kit: on hand 11, ledger 10"]
    UmbrellaLoan.objects.filter(pk=loan.pk).update(deposit=Decimal("20.00"))
    SupplyItem.objects.filter(pk=sewing_kits.pk).update(on_hand=10)
