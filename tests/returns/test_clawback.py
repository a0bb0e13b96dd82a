"""R-RET-13 end to end: a refunded return reverses the points on the member ledger (members app), the
shortfall is deducted at the policy's cash value, and the ledgers still agree (R-PTS-6)."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from returns.models import ReturnClawback
from servicedesk.extensions import RefundItem, refund_sources
from tests.returns.conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(db):
    from tests.factories.members import CardFactory

    return CardFactory(tier="gold")


def post_receipt(api_as, user_in_role, card, *, price="1200.00", qty=1, number="D-RET-0001", payment_method="wechat"):
    pos = api_as(user_in_role("pos"))
    response = pos.post("/api/v1/receipts/", {
        "side": "dept", "number": number, "rung_at": timezone.localtime().isoformat(), "card_number": card.card_number,
        "payment_method": payment_method, "total": str(Decimal(price) * qty),
        "lines": [{"line_no": 1, "sku": "4711", "description": "羊毛大衣", "counter": "C-2F-07", "category": "clothing",
                   "list_price": price, "unit_price": price, "quantity": qty, "bulk_discount": False, "fresh": False}],
    }, format="json")
    assert response.status_code == 201, response.json()
    from receipts.models import Receipt

    return Receipt.objects.get(number=number), response.json()["points_earned"]


def run_chain(api_as, users, rr_id):
    for step, role in (("counter_check", "counter_staff"), ("approve", "ops_manager"),
                       ("loss_prevention", "loss_prevention"), ("refund", "cashier")):
        response = api_as(users[role]).post(f"/api/v1/returns/{rr_id}/sign/", {"step": step}, format="json")
        assert response.status_code == 200, response.json()
    return response.json()


def assert_ledgers_clean():
    from members.selectors import ledgers_mismatched

    assert ledgers_mismatched() == []
    call_command("verify_ledgers")


def test_r_ret_13_refund_reverses_points_on_the_ledger(api_as, user_in_role, chain_users, card, policy):
    # given: a receipt that earned points on the card
    receipt, earned = post_receipt(api_as, user_in_role, card)
    card.refresh_from_db()
    assert earned > 0 and card.dept_points == earned
    clerk = api_as(chain_users["clerk"])
    # when: the quote, then the whole chain
    quote = clerk.post("/api/v1/returns/quote/", body(receipt), format="json").json()
    assert quote["points_reversed"] == earned and quote["clawback_amount"] == "0.00"
    assert "R-RET-13" in quote["rules"]
    rr = clerk.post("/api/v1/returns/", body(receipt), format="json").json()
    card.refresh_from_db()
    assert card.dept_points == earned  # nothing moves before the refund
    done = run_chain(api_as, chain_users, rr["id"])
    # then
    card.refresh_from_db()
    assert done["status"] == "refunded" and done["points_reversed"] == earned
    assert card.dept_points == 0
    from members.models import PointsEntry

    entry = PointsEntry.objects.get(card=card, kind="reverse")
    assert entry.points == -earned and entry.reference == rr["number"]
    assert done["clawback_amount"] == "0.00" and done["net_refund"] == "1200.00"
    assert_ledgers_clean()


def test_r_ret_13_spent_points_deducted_at_cash_value(api_as, user_in_role, chain_users, card, policy):
    from members.services import points_adjust

    receipt, earned = post_receipt(api_as, user_in_role, card, number="D-RET-0002")
    points_adjust(card=card, wallet="dept", delta=-(earned - 200), reason="积分换礼", user=user_in_role("desk_supervisor"))
    shortfall = earned - 200
    clerk = api_as(chain_users["clerk"])
    quote = clerk.post("/api/v1/returns/quote/", body(receipt), format="json").json()
    cash = (Decimal(shortfall) * Decimal("0.01")).quantize(Decimal("0.01"))
    assert quote["points_reversed"] == 200 and quote["clawback_amount"] == f"{cash:.2f}"
    rr = clerk.post("/api/v1/returns/", body(receipt), format="json").json()
    done = run_chain(api_as, chain_users, rr["id"])
    assert done["clawback_amount"] == f"{cash:.2f}"
    assert Decimal(done["net_refund"]) == Decimal("1200.00") - cash
    row = ReturnClawback.objects.get(return_request_id=rr["id"])
    assert (row.points, row.reversed_points, row.shortfall_points) == (earned, 200, shortfall)
    card.refresh_from_db()
    assert card.dept_points == 0
    assert_ledgers_clean()


def test_r_ret_13_partial_return_reverses_only_those_pieces(api_as, user_in_role, chain_users, card, policy):
    receipt, earned = post_receipt(api_as, user_in_role, card, price="100.00", qty=3, number="D-RET-0003")
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt, lines=[(1, 1)]), format="json").json()
    done = run_chain(api_as, chain_users, rr["id"])
    card.refresh_from_db()
    assert done["points_reversed"] == earned // 3
    assert card.dept_points == earned - earned // 3
    assert_ledgers_clean()


class FakeVoucherSource:
    """What the gifts app will plug in: a used voucher handed out with the purchase."""

    name = "test_vouchers"

    def quote(self, ctx):
        return [RefundItem(self.name, "满减券 已使用", "V-1", cash_amount=Decimal("20.00"))]

    def apply(self, ctx):
        assert ctx.reference.startswith("TH")  # keyed by the slip
        return [RefundItem(self.name, "满减券 已使用", "V-1", cash_amount=Decimal("20.00"))]


def test_r_ret_13_another_source_plugs_in(api_as, chain_users, make_receipt):
    with refund_sources.extra(FakeVoucherSource()):
        receipt = make_receipt(lines=[("clothing", "280.00", 1)])
        quote = api_as(chain_users["clerk"]).post("/api/v1/returns/quote/", body(receipt), format="json").json()
        assert quote["clawback_amount"] == "20.00" and quote["net_refund"] == "260.00"
        rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
        done = run_chain(api_as, chain_users, rr["id"])
        assert done["clawback_amount"] == "20.00" and done["net_refund"] == "260.00"
        assert ReturnClawback.objects.filter(return_request_id=rr["id"], source="test_vouchers").exists()


def test_exchange_keeps_the_points(api_as, user_in_role, chain_users, card, policy):
    receipt, earned = post_receipt(api_as, user_in_role, card, number="D-RET-0004")
    clerk = api_as(chain_users["clerk"])
    quote = clerk.post("/api/v1/returns/quote/", body(receipt, kind="exchange"), format="json").json()
    assert quote["points_reversed"] == 0 and "R-RET-13" not in quote["rules"]
    rr = clerk.post("/api/v1/returns/", body(receipt, kind="exchange"), format="json").json()
    done = run_chain(api_as, chain_users, rr["id"])
    card.refresh_from_db()
    assert done["kind"] == "exchange" and done["points_reversed"] == 0 and card.dept_points == earned
    assert_ledgers_clean()


def test_r_ret_12_refund_of_a_stored_value_receipt_goes_back_onto_the_card(api_as, user_in_role, chain_users, policy):
    from members import services as member_services
    from tests.factories.members import CardFactory

    # given: 500.00 of rebate money on the card (R-RBT-4), 300.00 of it spent on a coat
    card = CardFactory(tier="gold")
    member_services.points_adjust(card=card, wallet="stored_value", delta=Decimal("500.00"), reason="opening balance",
                                  user=user_in_role("desk_supervisor"))
    receipt, earned = post_receipt(api_as, user_in_role, card, price="300.00", number="D-SV-0001",
                                   payment_method="stored_value")
    card.refresh_from_db()
    assert card.stored_value == Decimal("200.00") and earned == 300
    # when: the coat is returned through the whole chain
    rr = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json").json()
    done = run_chain(api_as, chain_users, rr["id"])
    # then: the refund (300.00 less nothing clawed back in cash: the 300 points are still there) is back on the card
    card.refresh_from_db()
    assert done["status"] == "refunded"
    assert card.stored_value == Decimal("500.00") and card.dept_points == 0
    assert_ledgers_clean()


def test_receipt_facts_name_what_was_refunded(api_as, chain_users, make_receipt):
    """Gifts and invoices count a receipt net of refunds through the receipt facts returns provides."""
    from servicedesk.extensions import facts_for_receipts

    receipt = make_receipt(lines=[("clothing", "280.00", 2)])
    assert facts_for_receipts([receipt])[receipt.pk]["refunded"] == "0.00"
    created = api_as(chain_users["clerk"]).post("/api/v1/returns/", body(receipt), format="json")
    assert created.status_code == 201, created.json()
    facts = facts_for_receipts([receipt])[receipt.pk]
    assert facts["returned_lines"] == {1: 1} and facts["refunded"] == "280.00"
    answer = api_as(chain_users["clerk"]).get(f"/api/v1/receipts/{receipt.side}/{receipt.number}/").json()
    assert answer["refunded"] == "280.00" and answer["returned_lines"] == {"1": 1}
