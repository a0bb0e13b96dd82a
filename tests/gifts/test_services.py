"""Services of gifts/: the stock ledger (R-GIFT-2) and its guards, the stamps under two desks at once
(PostgreSQL, threads), the variance notification (R-GIFT-7) and the ledger check."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gifts import selectors, services
from gifts.models import GiftIssue, GiftItem, GiftStockEntry
from servicedesk.errors import DomainError, RuleViolation
from tests.factories.gifts import GiftCampaignFactory, GiftItemFactory, stock

pytestmark = pytest.mark.django_db


def test_r_gift_2_ledger_is_append_only_and_on_hand_equals_its_sum(umbrella, campaign, make_receipt, clerk):
    services.gift_issue_for_receipt(campaign=campaign.code, side="dept", number=make_receipt().number, user=clerk)
    entry = GiftStockEntry.objects.filter(item=umbrella).first()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    umbrella.refresh_from_db()
    assert umbrella.on_hand == sum(GiftStockEntry.objects.filter(item=umbrella).values_list("quantity", flat=True)) == 99
    assert selectors.stock_mismatched() == []


def test_r_gift_2_the_database_refuses_negative_stock(umbrella):
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftItem.objects.filter(pk=umbrella.pk).update(on_hand=-1)


@pytest.mark.ledger_mismatch_expected
def test_the_ledger_check_names_a_broken_item(umbrella):
    from servicedesk.extensions import ledger_mismatches

    GiftItem.objects.filter(pk=umbrella.pk).update(on_hand=7)
    found = ledger_mismatches()["gift_stock"]
    assert any("G-UMB-01" in line and "on_hand 7" in line and "ledger 100" in line for line in found)


def test_verify_ledgers_covers_gift_stock(umbrella, capsys):
    from django.core.management import call_command

    call_command("verify_ledgers")
    assert "gift_stock" in capsys.readouterr().out


def test_r_gift_7_variance_notifies_who_may_explain_and_reminds_once_a_day(umbrella, clerk, supervisor):
    from servicedesk.models import Notification

    take = services.stocktake_record(item="G-UMB-01", counted=97, period="daily", user=clerk)
    assert take.variance == -3 and Notification.objects.filter(recipient=supervisor).count() == 1
    assert not Notification.objects.filter(recipient=clerk).exists()  # clerks may not explain
    later = timezone.now() + timezone.timedelta(hours=25)
    assert services.variance_reminders_send(now=later) == 1
    assert services.variance_reminders_send(now=later) == 0  # once a day
    services.stocktake_explain(stocktake=take, explanation="三把伞破损报废", user=supervisor)
    assert services.variance_reminders_send(now=later + timezone.timedelta(days=1)) == 0


def test_r_gift_6_close_refuses_further_vouchers(campaign, supervisor):
    services.campaign_close(campaign=campaign, user=supervisor)
    with pytest.raises(RuleViolation) as exc:
        services.gift_vouchers_print(campaign=campaign, count=1, user=supervisor)
    assert exc.value.code == "R-GIFT-6"
    campaign.refresh_from_db()
    # reconciled before the return: the ledger said 100 received, 100 on hand; then 100 went back
    assert campaign.close_summary["ledger_by_kind"] == {"receive": 100} and campaign.close_summary["ledger_balance"] == 100
    assert campaign.close_summary["returned"] == [{"item": "G-UMB-01", "quantity": 100}]
    assert GiftItem.objects.get(code="G-UMB-01").on_hand == 0


def test_dashboard_tile_shows_low_stock_ending_campaigns_and_variances(rf, clerk, supervisor):
    from gifts.dashboard import tiles

    item = stock(GiftItemFactory(code="G-LOW"), 3, user=supervisor)
    GiftCampaignFactory(gift_item=item, ends_on=timezone.localdate())
    services.stocktake_record(item="G-LOW", counted=2, period="daily", user=clerk)
    request = rf.get("/")
    request.user = clerk
    [tile] = tiles(request)
    values = {line.label: (line.value, line.alert) for line in tile.lines}
    assert values["Stock low"] == ("G-LOW 3", True)
    assert values["Unexplained variances"] == (1, True)
    assert "C-TEST" in values["Campaigns ending"][0]


def test_receipt_facts_shape_for_invoices(campaign, make_receipt, clerk, supervisor):
    from servicedesk.extensions import facts_for_receipts

    receipt = make_receipt()
    other = make_receipt(lines=[("clothing", "100.00", 1)])
    services.gift_issue_for_receipt(campaign=campaign.code, side="dept", number=receipt.number, user=clerk)
    batch = services.gift_vouchers_print(campaign=campaign, count=1, user=supervisor)
    services.gift_issue_for_voucher(campaign=campaign.code, serial=batch.first_serial, receipt=other, user=clerk)
    facts = facts_for_receipts([receipt, other])
    assert facts[receipt.pk]["gifts"] == [{"campaign": "C-2026-12", "item": "折叠伞", "quantity": 1, "value": "39.00"}]
    assert facts[other.pk]["gifts"] == [{"campaign": "C-2026-12", "item": "折叠伞", "quantity": 1, "value": "39.00"}]


def test_receipt_facts_are_one_query_per_page(campaign, make_receipt, django_assert_num_queries):
    from gifts.hooks import GiftsOnReceiptFacts

    receipts = [make_receipt() for _ in range(5)]
    with django_assert_num_queries(1):
        GiftsOnReceiptFacts().for_receipts(receipts=receipts)


# ---------------------------------------------------------------- two desks at once (PostgreSQL)

def _race(n, work):
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run(i):
        try:
            barrier.wait()
            work(i)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(f"{exc.status_code} {exc.code}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_gift_2_concurrent_issues_of_the_last_units_never_oversell(make_receipt, user_in_role):
    supervisor = user_in_role("desk_supervisor")
    item = stock(GiftItemFactory(code="G-LAST"), 2, user=supervisor)
    campaigns = [GiftCampaignFactory(gift_item=item) for _ in range(4)]  # four desks, four campaigns, one item
    receipts = [make_receipt() for _ in range(4)]
    clerks = [user_in_role("clerk") for _ in range(4)]
    outcomes = _race(4, lambda i: services.gift_issue_for_receipt(
        campaign=campaigns[i].code, side="dept", number=receipts[i].number, user=clerks[i]))
    assert outcomes == ["400 R-GIFT-2", "400 R-GIFT-2", "ok", "ok"]
    item.refresh_from_db()
    assert item.on_hand == 0 and GiftIssue.objects.count() == 2
    assert selectors.stock_mismatched() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_gift_3_two_tabs_claim_one_receipt_once(make_receipt, user_in_role):
    supervisor = user_in_role("desk_supervisor")
    campaign = GiftCampaignFactory(gift_item=stock(GiftItemFactory(), 10, user=supervisor))
    receipt = make_receipt()
    clerks = [user_in_role("clerk") for _ in range(2)]
    outcomes = _race(2, lambda i: services.gift_issue_for_receipt(campaign=campaign.code, side="dept",
                                                                   number=receipt.number, user=clerks[i]))
    assert outcomes == ["409 R-GIFT-3", "ok"]
    assert GiftIssue.objects.filter(receipt=receipt).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_gift_3_one_voucher_collected_once_under_two_desks(user_in_role):
    supervisor = user_in_role("desk_supervisor")
    campaign = GiftCampaignFactory(gift_item=stock(GiftItemFactory(), 10, user=supervisor))
    serial = services.gift_vouchers_print(campaign=campaign, count=1, user=supervisor).first_serial
    clerks = [user_in_role("clerk") for _ in range(2)]
    outcomes = _race(2, lambda i: services.gift_issue_for_voucher(campaign=campaign.code, serial=serial, user=clerks[i]))
    assert outcomes == ["409 R-GIFT-3", "ok"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_gift_5_one_birthday_gift_under_two_desks(user_in_role):
    from tests.factories.members import CardFactory

    supervisor = user_in_role("desk_supervisor")
    item = stock(GiftItemFactory(), 10, user=supervisor)
    card = CardFactory()
    clerks = [user_in_role("clerk") for _ in range(2)]
    outcomes = _race(2, lambda i: services.gift_birthday_issue(card_number=card.card_number,
                                                                id_number=card.member.id_number, item=item.code,
                                                                user=clerks[i]))
    assert outcomes == ["409 R-GIFT-5", "ok"]
    item.refresh_from_db()
    assert item.on_hand == 9



@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r_gift_6_an_issue_racing_a_close_is_refused_or_counted_before_it(make_receipt, user_in_role):
    """A desk issues while the supervisor closes: either the issue lands first (and the close returns one
    unit less) or it is refused R-GIFT-6 — never a gift out of a closed campaign, never a wrong return list."""
    supervisor = user_in_role("desk_supervisor")
    campaign = GiftCampaignFactory(gift_item=stock(GiftItemFactory(), 10, user=supervisor))
    receipt = make_receipt()
    clerk = user_in_role("clerk")

    def work(i):
        if i == 0:
            services.gift_issue_for_receipt(campaign=campaign.code, side="dept", number=receipt.number, user=clerk)
        else:
            services.campaign_close(campaign=campaign, user=supervisor)

    outcomes = _race(2, work)
    campaign.refresh_from_db()
    returned = campaign.close_summary["returned"][0]["quantity"]
    if outcomes == ["ok", "ok"]:
        assert GiftIssue.objects.count() == 1 and returned == 9
    else:
        assert outcomes == ["400 R-GIFT-6", "ok"] and returned == 10 and not GiftIssue.objects.exists()
    assert GiftItem.objects.get(pk=campaign.gift_item_id).on_hand == 0
