"""POST /api/v1/receipts/batch/ (api-contract.md): up to 500 receipts, each answered as if posted alone."""

from decimal import Decimal

import pytest

from members.models import Card, PointsEntry
from receipts.models import Receipt
from tests.factories.members import CardFactory, MemberFactory, card_with_balance

from .test_api import URL, body

BATCH = URL + "batch/"


@pytest.fixture
def pos(api_as, user_in_role):
    return api_as(user_in_role("pos"))


def test_each_receipt_gets_its_own_answer_in_order(pos, db):
    card = CardFactory(member=MemberFactory(birthday=None))
    old = body(number="D-old", card=card.card_number)
    pos.post(URL, old, format="json")
    items = [
        body(number="D-1", card=card.card_number),                     # new → 201
        old,                                                           # identical repost → 200
        body(number="D-2", total="1.00"),                              # total ≠ lines → 400
        {**body(number="D-old", card=card.card_number), "total": "5.00",
         "lines": [{"line_no": 1, "sku": "1", "counter": "C", "category": "toys", "list_price": "5.00",
                    "unit_price": "5.00", "quantity": 1}]},              # same number, other body → 409
        body(number="D-3", card="8899999999999"),                      # unknown card → 400 card_not_usable
        "not a receipt",                                               # not an object → 400
        body(number="D-4", card=card.card_number),                     # new → 201
    ]
    r = pos.post(BATCH, {"receipts": items}, format="json")
    assert r.status_code == 200, r.content
    results = r.json()["results"]
    assert [x["status"] for x in results] == [201, 200, 400, 409, 400, 400, 201]
    assert results[0]["body"]["points_earned"] == 1200
    assert results[0]["body"]["member_balance"]["dept_points"] == 2400
    assert results[6]["body"]["member_balance"]["dept_points"] == 3600  # in order, on the same card
    assert results[2]["body"]["code"] == "total_mismatch" and "total" in results[2]["body"]["fields"]
    assert results[3]["body"]["code"] == "conflict"
    assert results[4]["body"]["code"] == "card_not_usable"
    assert set(results[5]["body"]) == {"code", "detail", "fields"}
    assert results[1]["body"] == pos.post(URL, old, format="json").json()
    assert set(Receipt.objects.values_list("number", flat=True)) == {"D-old", "D-1", "D-4"}
    card.refresh_from_db()
    assert card.dept_points == 3600 and PointsEntry.objects.filter(card=card).count() == 3


def test_answers_equal_single_posts(pos, db):
    """The same receipts posted one by one and in a batch answer the same bodies."""
    one, two = CardFactory(member=MemberFactory(birthday=None)), CardFactory(member=MemberFactory(birthday=None))
    single = [pos.post(URL, body(number=f"S{i}", card=one.card_number), format="json").json() for i in range(3)]
    batch = pos.post(BATCH, {"receipts": [body(number=f"B{i}", card=two.card_number) for i in range(3)]},
                     format="json").json()["results"]
    strip = [{k: v for k, v in b.items() if k not in ("number", "card_number")} for b in single]
    assert [{k: v for k, v in x["body"].items() if k not in ("number", "card_number")} for x in batch] == strip


def test_a_refused_receipt_leaves_nothing_and_the_next_still_goes_in_r_rbt_4(pos, db):
    card = card_with_balance(stored=Decimal("100.00"))
    lines = [{"line_no": 1, "sku": "1", "counter": "C-2F-07", "category": "toys", "list_price": "80.00",
              "unit_price": "80.00", "quantity": 1}]
    items = [body(number=f"V{i}", card=card.card_number, lines=lines, payment="stored_value") for i in range(2)]
    results = pos.post(BATCH, {"receipts": items}, format="json").json()["results"]
    assert [x["status"] for x in results] == [201, 400]
    assert results[1]["body"]["code"] == "R-RBT-4"
    assert not Receipt.objects.filter(number="V1").exists()
    assert Card.objects.get(pk=card.pk).stored_value == Decimal("20.00")


def test_more_than_500_is_400_naming_receipts(pos, db):
    r = pos.post(BATCH, {"receipts": [body(number=f"X{i}") for i in range(501)]}, format="json")
    assert r.status_code == 400 and "receipts" in r.json()["fields"]
    assert not Receipt.objects.exists()


def test_500_is_accepted(pos, db):
    r = pos.post(BATCH, {"receipts": [body(number=f"X{i}") for i in range(500)]}, format="json")
    assert r.status_code == 200 and [x["status"] for x in r.json()["results"]] == [201] * 500


@pytest.mark.parametrize("payload", [{}, {"receipts": "no"}, [], {"receipts": None}])
def test_malformed_envelope_is_400_not_500(pos, db, payload):
    r = pos.post(BATCH, payload, format="json")
    assert r.status_code == 400 and set(r.json()) == {"code", "detail", "fields"}


def test_only_the_till_role_posts_batches_403(api_as, clerk, db):
    assert api_as(clerk).post(BATCH, {"receipts": [body()]}, format="json").status_code == 403
    assert not Receipt.objects.exists()


def test_batch_looks_cards_up_once_and_stays_under_8_statements_a_receipt(pos, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    card = CardFactory(member=MemberFactory(birthday=None))
    pos.post(URL, body(number="warm", card=card.card_number), format="json")
    items = [body(number=f"C{i}", card=card.card_number) for i in range(10)]
    with CaptureQueriesContext(connection) as ctx:
        r = pos.post(BATCH, {"receipts": items}, format="json")
    assert [x["status"] for x in r.json()["results"]] == [201] * 10
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len([s for s in sql if s.startswith("SELECT") and '"members_card"' in s]) == 1  # one lookup for the batch
    assert len(sql) == 1 + 10 * 6
