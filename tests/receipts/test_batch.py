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


def test_batch_is_set_based_a_few_statements_for_the_whole_batch(pos, db):
    """Issue 16: the batch pays its statements once — the card lookup, the locking read of the cards, the
    receipts, their lines, the card update, the ledger lines, the receipt points, the answers: 8 statements
    (plus BEGIN/COMMIT) for 10 receipts of one card, every balance as if posted one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    card = CardFactory(member=MemberFactory(birthday=None))
    pos.post(URL, body(number="warm", card=card.card_number), format="json")
    before = Card.objects.get(pk=card.pk).dept_points
    items = [body(number=f"C{i}", card=card.card_number) for i in range(10)]
    with CaptureQueriesContext(connection) as ctx:
        r = pos.post(BATCH, {"receipts": items}, format="json")
    results = r.json()["results"]
    assert [x["status"] for x in results] == [201] * 10
    # the test's own transaction turns the batch's one transaction into a savepoint pair
    frame = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(frame) == 2
    sql = [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT", *frame)]
    cards = [s for s in sql if s.startswith("SELECT") and '"members_card"' in s]
    assert len(cards) == 2 and "ORDER BY id" in cards[1]  # one lookup, one locking read for the batch
    sql = [part for trip in sql for part in trip.split("; ")]  # write-behind: the trailing writes in one trip
    assert len(sql) == 8, sql
    earned = results[0]["body"]["points_earned"]
    assert earned > 0
    # each answer carries the balance after its own receipt, in the order sent (R-PTS-6)
    assert [x["body"]["member_balance"]["dept_points"] for x in results] == [before + earned * (k + 1) for k in range(10)]
    entries = list(PointsEntry.objects.filter(card=card, reference__startswith="dept:C").order_by("id")
                   .values_list("balance_after", flat=True))
    assert [int(b) for b in entries] == [before + earned * (k + 1) for k in range(10)]
    assert Card.objects.get(pk=card.pk).dept_points == before + 10 * earned


def _twin_cards(**state):
    from django.utils import timezone

    cards = [CardFactory(tier="gold", member=MemberFactory(birthday=None)) for _ in range(2)]
    Card.objects.filter(pk__in=[c.pk for c in cards]).update(year_spend_year=timezone.localdate().year, **state)
    return cards


def _strip(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k not in ("number", "card_number")}


def test_r_vip_4_upgrade_due_inside_a_batch_answers_as_posted_one_by_one(pos, db):
    """The set-based path leaves an upgrade to the single path (BatchFallback): the receipt that crosses
    30,000 upgrades the card and the later ones earn as platinum — as when posted one by one."""
    single, batched = _twin_cards(year_spend=Decimal("29000.00"))
    alone = [pos.post(URL, body(number=f"UA{i}", card=single.card_number), format="json").json() for i in range(3)]
    results = pos.post(BATCH, {"receipts": [body(number=f"UB{i}", card=batched.card_number) for i in range(3)]},
                       format="json").json()["results"]
    assert [x["status"] for x in results] == [201] * 3
    assert [_strip(x["body"]) for x in results] == [_strip(a) for a in alone]
    batched.refresh_from_db()
    assert (batched.tier, batched.year_spend) == ("platinum", Decimal("32600.00"))
    assert batched.events.filter(type="upgraded").count() == 1


def test_r_vip_4_upgrade_on_a_cards_last_receipt_stays_set_based_and_answers_as_one_by_one(pos, db):
    """Issue 16: when the receipt that crosses 30,000 is the card's last in the batch, nothing later earns at
    the new tier: the set stays set-based (one card update for the batch) and the card is upgraded after it,
    exactly as posted alone (same answers, tier, year spend, one upgrade event)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    single, batched = _twin_cards(year_spend=Decimal("29000.00"))
    others = _twin_cards()
    alone = [pos.post(URL, body(number=f"VA{i}", card=(others[0] if i < 2 else single).card_number),
                      format="json").json() for i in range(3)]
    items = [body(number=f"VB{i}", card=(others[1] if i < 2 else batched).card_number) for i in range(3)]
    with CaptureQueriesContext(connection) as ctx:
        results = pos.post(BATCH, {"receipts": items}, format="json").json()["results"]
    assert [x["status"] for x in results] == [201] * 3
    assert [_strip(x["body"]) for x in results] == [_strip(a) for a in alone]
    inserts = [q["sql"] for q in ctx.captured_queries if 'INSERT INTO "receipts_receipt" ' in q["sql"]]
    assert len(inserts) == 1, "the batch fell back to one by one"
    batched.refresh_from_db()
    single.refresh_from_db()
    assert (batched.tier, batched.year_spend) == (single.tier, single.year_spend) == ("platinum", Decimal("30200.00"))
    assert batched.events.filter(type="upgraded").count() == 1


def _receipt_inserts(ctx) -> int:
    return sum(1 for q in ctx.captured_queries if 'INSERT INTO "receipts_receipt" ' in q["sql"])


@pytest.mark.parametrize("state", [{"year_spend": Decimal("29000.00")}, {"year_spend_year": None}],
                         ids=["r_vip_4_upgrade_due_mid_batch", "r_vip_4_year_spend_to_sum"])
def test_one_cards_fallback_sends_only_its_receipts_alone_the_rest_stay_set_based(pos, db, state):
    """Issue 16: a card the set cannot settle (its upgrade due before its last receipt in the batch, or its
    year's spend still to sum) has only its own receipts stored one by one; the other cards' receipts are
    stored as a set again (one receipt INSERT rolled back, one kept, then one per receipt of that card) —
    and every answer is what the same receipts posted one by one answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    single, batched = _twin_cards(year_spend=Decimal("29000.00"))
    Card.objects.filter(pk__in=[single.pk, batched.pk]).update(**state)
    others_single, others_batched = _twin_cards(), _twin_cards()
    plan = [2, 0, 2, 1, 0, 3, 2, 1, 3]  # 0 = the falling-back card, 1–3 its neighbours (two cards each)
    cards_single = [single, others_single[0], others_single[1], _twin_cards()[0]]
    cards_batched = [batched, others_batched[0], others_batched[1], _twin_cards()[0]]
    alone = [pos.post(URL, body(number=f"WA{n}", card=cards_single[k].card_number), format="json").json()
             for n, k in enumerate(plan)]
    items = [body(number=f"WB{n}", card=cards_batched[k].card_number) for n, k in enumerate(plan)]
    with CaptureQueriesContext(connection) as ctx:
        results = pos.post(BATCH, {"receipts": items}, format="json").json()["results"]
    assert [x["status"] for x in results] == [201] * len(plan)
    assert [_strip(x["body"]) for x in results] == [_strip(a) for a in alone]
    assert _receipt_inserts(ctx) == 2 + plan.count(0), "not split: the whole batch went one by one"
    for one, other in zip(cards_single, cards_batched, strict=True):
        one.refresh_from_db()
        other.refresh_from_db()
        assert (other.tier, other.dept_points, other.year_spend, other.year_spend_year) == \
            (one.tier, one.dept_points, one.year_spend, one.year_spend_year)
    assert batched.year_spend_year == timezone.localdate().year
    entries = PointsEntry.objects.filter(reference__startswith="dept:WB").order_by("card_id", "id")
    assert [(e.card_id, e.balance_after) for e in entries] == sorted(
        ((cards_batched[k].pk, r["member_balance"]["dept_points"]) for k, r in
         zip(plan, [x["body"] for x in results], strict=True)), key=lambda pair: pair[0])


def test_the_same_receipt_twice_in_one_batch_is_a_repost_or_a_conflict(pos, db):
    (card, _other) = _twin_cards()
    first = body(number="T1", card=card.card_number)
    other = {**first, "payment_method": "card"}
    results = pos.post(BATCH, {"receipts": [first, first, other, body(number="T2", card=card.card_number)]},
                       format="json").json()["results"]
    assert [x["status"] for x in results] == [201, 200, 409, 201]
    assert results[1]["body"] == results[0]["body"]
    assert Receipt.objects.filter(number="T1").count() == 1
    card.refresh_from_db()
    assert card.dept_points == results[3]["body"]["member_balance"]["dept_points"]


def test_a_batch_of_many_cards_and_no_card_receipts_settles_each_card(pos, db):
    cards = _twin_cards()
    items = [body(number=f"M{i}", card=cards[i % 2].card_number if i % 3 else None) for i in range(9)]
    results = pos.post(BATCH, {"receipts": items}, format="json").json()["results"]
    assert [x["status"] for x in results] == [201] * 9
    for card in cards:
        card.refresh_from_db()
        mine = [x["body"] for x in results if x["body"]["card_number"] == card.card_number]
        assert card.dept_points == mine[-1]["member_balance"]["dept_points"] == sum(b["points_earned"] for b in mine)
        assert card.year_spend == Decimal("1200.00") * len(mine)
    assert [x["body"]["points_earned"] for x in results if x["body"]["card_number"] is None] == [0, 0, 0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_and_single_posts_on_the_same_cards_at_once_keep_every_ledger(api_as, user_in_role):
    """Two tills back online send overlapping batches (the same cards in opposite orders, some receipts in
    both) while a third posts one by one: the cards are locked in id order, so nobody deadlocks; every
    receipt is stored once and every balance equals its ledger, each answer carrying its own balance."""
    import threading

    from django.core.management import call_command
    from django.db import connection

    cards = _twin_cards() + _twin_cards()
    numbers = [c.card_number for c in cards]
    user = user_in_role("pos")
    shared = [body(number=f"SH{i}", card=numbers[i % 4]) for i in range(6)]
    first = shared + [body(number=f"A{i}", card=numbers[i % 4]) for i in range(20)]
    second = [body(number=f"B{i}", card=numbers[3 - i % 4]) for i in range(20)] + shared
    barrier, answers, errors = threading.Barrier(3), [], []

    def till(kind, payload):
        try:
            client = api_as(user)
            barrier.wait()
            if kind == "batch":
                r = client.post(BATCH, {"receipts": payload}, format="json")
                answers.extend(x["status"] for x in r.json()["results"])
            else:
                for item in payload:
                    answers.append(client.post(URL, item, format="json").status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    singles = [body(number=f"S{i}", card=numbers[i % 4]) for i in range(8)]
    threads = [threading.Thread(target=till, args=a) for a in (("batch", first), ("batch", second), ("one", singles))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert sorted(answers) == [200] * 6 + [201] * 54
    assert Receipt.objects.count() == 54
    assert PointsEntry.objects.filter(card__in=[c.pk for c in cards]).count() == 54
    call_command("verify_ledgers")


AWKWARD = ['He said "hi" \\ back', "O'Brien's", "羊毛大衣 🧥", "tab\there", "line\nbreak", "ctl\x01char", "{\"json\": [1]}", ""]


def test_a_large_batch_stores_exactly_what_one_by_one_posts_store(pos, db):
    """Issue 16: from ROWSET_FROM rows on PostgreSQL the batch sends its rows as one JSON parameter; the
    rows, balances and answers are those of the same receipts posted one by one — quotes, backslashes,
    control characters, emoji and Chinese in the text, money to the fen, stored-value payments (R-RBT-4)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from receipts.models import ReceiptLine
    from receipts.sql import ROWSET_FROM

    count = ROWSET_FROM + 6
    pairs = [(card_with_balance(stored=Decimal("500.00"), member=MemberFactory(birthday=None)),
              card_with_balance(stored=Decimal("500.00"), member=MemberFactory(birthday=None))) for _ in range(count)]
    Card.objects.update(year_spend_year=timezone.localdate().year)

    def receipt(prefix, i, card):
        lines = [{"line_no": n + 1, "sku": f"SKU-{i}-{n}", "description": AWKWARD[(i + n) % len(AWKWARD)],
                  "counter": "C-2F-07", "category": "clothing" if n else "toys", "list_price": f"{100 + i}.{n}9",
                  "unit_price": f"{90 + i}.{n}5", "quantity": n + 1, "bulk_discount": False, "fresh": False}
                 for n in range(2)]
        return body(number=f"{prefix}{i}", card=card.card_number, side="market" if i % 3 == 0 else "dept", lines=lines,
                    payment="stored_value" if i % 2 else "cash")

    alone = [pos.post(URL, receipt("LA", i, a), format="json").json() for i, (a, _b) in enumerate(pairs)]
    with CaptureQueriesContext(connection) as ctx:
        results = pos.post(BATCH, {"receipts": [receipt("LB", i, b) for i, (_a, b) in enumerate(pairs)]},
                           format="json").json()["results"]
    assert [x["status"] for x in results] == [201] * count
    assert [_strip(x["body"]) for x in results] == [_strip(a) for a in alone]
    if connection.vendor == "postgresql":
        assert sum("jsonb_array_elements" in q["sql"] for q in ctx.captured_queries) >= 3  # set-based, not one by one
    columns = ("line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity")
    for i, (a, b) in enumerate(pairs):
        assert list(ReceiptLine.objects.filter(receipt__number=f"LB{i}").order_by("line_no").values_list(*columns)) == \
            list(ReceiptLine.objects.filter(receipt__number=f"LA{i}").order_by("line_no").values_list(*columns))
        assert Receipt.objects.get(number=f"LB{i}").response == results[i]["body"]
        a.refresh_from_db()
        b.refresh_from_db()
        assert (b.dept_points, b.market_points, b.stored_value, b.year_spend) == \
            (a.dept_points, a.market_points, a.stored_value, a.year_spend)
        entries = [list(PointsEntry.objects.filter(card=c).order_by("id").values_list("wallet", "kind", "points", "amount",
                                                                                       "balance_after"))
                   for c in (a, b)]
        assert entries[0] == entries[1]
    assert ReceiptLine.objects.get(receipt__number="LB0", line_no=1).description == AWKWARD[0]
