"""`POST/GET /api/v1/card-stock/` (api-contract.md, R-CARD-3): a new installation has no blank cards, so
receiving them through the API must be possible; the answer is {on_hand, threshold, low}."""

import pytest

from members.models import CardStock, CardStockEntry
from tests.factories.receipts import ReceiptFactory
from tests.members.test_api import URL, enrol_body

pytestmark = pytest.mark.django_db
STOCK = "/api/v1/card-stock/"


def test_new_installation_has_no_cards_and_enrolment_is_refused_until_cards_are_received(api_as, clerk, supervisor):
    desk = api_as(clerk)
    assert desk.get(STOCK).json() == {"on_hand": 0, "threshold": 200, "low": True}
    refused = desk.post(URL, enrol_body(receipts=[ReceiptFactory(total="900.00")]))
    assert refused.status_code == 400 and refused.json()["code"] == "R-CARD-3"

    received = api_as(supervisor).post(STOCK, {"quantity": 500, "reason": "首批空白卡"})
    assert received.status_code == 201
    assert received.json() == {"on_hand": 500, "threshold": 200, "low": False}
    entry = CardStockEntry.objects.get()
    assert (entry.change, entry.balance_after, entry.by, entry.reason) == (500, 500, supervisor, "首批空白卡")

    assert desk.post(URL, enrol_body(receipts=[ReceiptFactory(total="900.00")])).status_code == 201
    assert desk.get(STOCK).json() == {"on_hand": 499, "threshold": 200, "low": False}


def test_low_is_below_the_policy_threshold(api_as, supervisor):
    api = api_as(supervisor)
    assert api.post(STOCK, {"quantity": 199}).json() == {"on_hand": 199, "threshold": 200, "low": True}
    assert api.post(STOCK, {"quantity": 1}).json() == {"on_hand": 200, "threshold": 200, "low": False}


@pytest.mark.parametrize("body", [{"quantity": 0}, {"quantity": -5}, {"quantity": "5"}, {}, {"quantity": 1.5}])
def test_quantity_must_be_a_positive_integer(api_as, supervisor, body):
    response = api_as(supervisor).post(STOCK, body)
    assert response.status_code == 400 and "quantity" in response.json()["fields"]
    assert not CardStockEntry.objects.exists()


def test_only_desk_supervisor_and_admin_receive_cards(api_as, user_in_role):
    for role in ("clerk", "ops_manager", "finance", "cashier", "pos"):
        assert api_as(user_in_role(role)).post(STOCK, {"quantity": 10}).status_code == 403, role
    assert api_as(user_in_role("admin")).post(STOCK, {"quantity": 10}).status_code == 201
    assert CardStock.objects.get().on_hand == 10


def test_reading_needs_the_view_permission(api_as, api_client, user_in_role):
    assert api_client.get(STOCK).status_code == 401
    assert api_as(user_in_role("cashier")).get(STOCK).status_code == 403
    assert api_as(user_in_role("finance")).get(STOCK).status_code == 200
