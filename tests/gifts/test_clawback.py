"""R-RET-13 with R-GIFT-3 end to end through the returns API: a return that leaves the receipt qualifying
claws nothing back; one that takes it below the minimum lists the gift and deducts its value unless it is
handed back (then it is back in stock); exactly once per gift, whatever the number of partial returns."""

from decimal import Decimal

import pytest

from gifts import services
from gifts.models import GiftIssue, GiftItem, GiftStockEntry
from returns.models import ReturnClawback
from tests.returns.conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db):
    from tests.factories.returns import ReturnPolicyFactory

    return ReturnPolicyFactory()


@pytest.fixture
def chain_users(user_in_role):
    return {role: user_in_role(role) for role in ("clerk", "counter_staff", "ops_manager", "dept_supervisor",
                                                  "loss_prevention", "cashier")}


@pytest.fixture
def gifted(campaign, make_receipt, clerk, policy):
    """A 1,200.00 clothing receipt (800.00 + 300.00 + 100.00) that got the umbrella of "500 clothing → 1 umbrella"."""
    receipt = make_receipt(lines=[("clothing", "800.00", 1), ("clothing", "300.00", 1), ("clothing", "100.00", 1)])
    services.gift_issue_for_receipt(campaign=campaign.code, side=receipt.side, number=receipt.number, user=clerk)
    return receipt


def run_chain(api_as, users, rr_id):
    for step, role in (("counter_check", "counter_staff"), ("approve", "ops_manager"),
                       ("loss_prevention", "loss_prevention"), ("refund", "cashier")):
        response = api_as(users[role]).post(f"/api/v1/returns/{rr_id}/sign/", {"step": step}, format="json")
        assert response.status_code == 200, response.json()
    return response.json()


UMBRELLA = {"campaign": "C-2026-12", "item": "折叠伞", "quantity": 1, "value": "39.00"}


def test_r_ret_13_refund_300_leaves_900_and_claws_nothing(api_as, chain_users, gifted):
    clerk = api_as(chain_users["clerk"])
    quote = clerk.post("/api/v1/returns/quote/", body(gifted, lines=[(2, 1)]), format="json").json()
    assert quote["refund_amount"] == "300.00" and quote["gifts_to_return"] == [] and quote["clawback_amount"] == "0.00"
    rr = clerk.post("/api/v1/returns/", body(gifted, lines=[(2, 1)]), format="json").json()
    done = run_chain(api_as, chain_users, rr["id"])
    assert done["clawback_amount"] == "0.00" and done["net_refund"] == "300.00"
    assert GiftIssue.objects.get().clawback_kind == ""


def test_r_ret_13_refund_800_leaves_400_and_deducts_the_39_umbrella(api_as, chain_users, gifted):
    clerk = api_as(chain_users["clerk"])
    quote = clerk.post("/api/v1/returns/quote/", body(gifted, lines=[(1, 1)]), format="json").json()
    assert quote["gifts_to_return"] == [UMBRELLA]
    assert quote["clawback_amount"] == "39.00" and quote["refund_amount"] == "800.00"
    rr = clerk.post("/api/v1/returns/", body(gifted, lines=[(1, 1)]), format="json").json()
    done = run_chain(api_as, chain_users, rr["id"])
    assert done["clawback_amount"] == "39.00" and done["net_refund"] == "761.00"
    issue = GiftIssue.objects.get()
    assert (issue.clawback_kind, issue.clawback_reference, issue.clawback_amount) == ("deducted", rr["number"],
                                                                                      Decimal("39.00"))
    row = ReturnClawback.objects.get(return_request_id=rr["id"], source="gifts")
    assert row.cash_amount == Decimal("39.00") and "折叠伞" in row.description
    assert GiftItem.objects.get(code="G-UMB-01").on_hand == 99  # the customer kept it
    # the slip PDF prints the clawback lines (ReturnClawback rows)
    assert clerk.get(f"/api/v1/returns/{rr['id']}/slip.pdf").status_code == 200


def test_r_ret_13_handed_back_umbrella_comes_back_into_stock_and_nothing_is_deducted(api_as, chain_users, gifted):
    clerk = api_as(chain_users["clerk"])
    data = body(gifted, lines=[(1, 1)], gifts_returned=True)
    quote = clerk.post("/api/v1/returns/quote/", data, format="json").json()
    assert quote["gifts_to_return"] == [UMBRELLA] and quote["clawback_amount"] == "0.00"
    rr = clerk.post("/api/v1/returns/", data, format="json").json()
    done = run_chain(api_as, chain_users, rr["id"])
    assert done["clawback_amount"] == "0.00" and done["net_refund"] == "800.00"
    entry = GiftStockEntry.objects.get(kind="return_customer")
    assert entry.quantity == 1 and entry.balance_after == 100 and entry.reference == rr["number"]
    assert GiftItem.objects.get(code="G-UMB-01").on_hand == 100
    # a gift handed back is no longer tied to the receipt (invoices will not name it)
    assert clerk.get(f"/api/v1/receipts/{gifted.side}/{gifted.number}/").json()["gifts"] == []


def test_r_ret_13_exactly_once_over_partial_returns(api_as, chain_users, gifted):
    clerk = api_as(chain_users["clerk"])
    # 1st: 300.00 → 900.00 left, still qualifying
    first = clerk.post("/api/v1/returns/", body(gifted, lines=[(2, 1)]), format="json").json()
    assert run_chain(api_as, chain_users, first["id"])["clawback_amount"] == "0.00"
    # 2nd: 800.00 more → 100.00 left: the umbrella is deducted now
    quote = clerk.post("/api/v1/returns/quote/", body(gifted, lines=[(1, 1)]), format="json").json()
    assert quote["gifts_to_return"] == [UMBRELLA] and quote["clawback_amount"] == "39.00"
    second = clerk.post("/api/v1/returns/", body(gifted, lines=[(1, 1)]), format="json").json()
    assert run_chain(api_as, chain_users, second["id"])["clawback_amount"] == "39.00"
    # 3rd: the last 100.00 → nothing more to claw back
    quote = clerk.post("/api/v1/returns/quote/", body(gifted, lines=[(3, 1)]), format="json").json()
    assert quote["gifts_to_return"] == [] and quote["clawback_amount"] == "0.00"
    third = clerk.post("/api/v1/returns/", body(gifted, lines=[(3, 1)]), format="json").json()
    assert run_chain(api_as, chain_users, third["id"])["clawback_amount"] == "0.00"
    assert ReturnClawback.objects.filter(source="gifts").count() == 1


def test_apply_twice_for_one_slip_takes_nothing_more(gifted, clerk):
    from gifts.hooks import GiftsRefund
    from servicedesk.extensions import RefundContext

    ctx = RefundContext(receipt=gifted, returned={1: 1}, reference="TH-1", user=clerk)
    assert [i.cash_amount for i in GiftsRefund().apply(ctx)] == [Decimal("39.00")]
    assert GiftsRefund().apply(ctx) == []
    assert GiftsRefund().quote(ctx) == []
