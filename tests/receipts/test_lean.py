"""Issue 16, the till feed's lean path (receipts/api/lean.py): a till's plain receipt is answered before
sessions, auth middleware and DRF — with the same status, body and headers as the full stack — and
everything else is declined to the full stack, which answers as before (401/403/400/409, R-PTS-4)."""

import datetime as dt
import json
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from members.models import Card, PointsEntry
from receipts.api.views import ReceiptViewSet
from receipts.models import Receipt
from servicedesk.extensions import lean_routes
from tests.factories.members import CardFactory, MemberFactory

from .test_api import URL, body

IGNORED_HEADERS = {"Content-Length", "Date"}


@pytest.fixture
def pos(api_as, user_in_role):
    return api_as(user_in_role("pos"))


@contextmanager
def full_stack_only():
    route = lean_routes.get("receipts.feed")
    lean_routes.unregister("receipts.feed")
    try:
        yield
    finally:
        lean_routes.register(route)


@contextmanager
def watched():
    """(what the lean route answered, DRF view calls) during the block."""
    route = lean_routes.get("receipts.feed")
    answered = []

    def spy(request, original=getattr(route, "answer", None)):
        answered.append(original(request))
        return answered[-1]

    with mock.patch.object(ReceiptViewSet, "create", autospec=True, side_effect=ReceiptViewSet.create) as drf:
        if route is None:  # full_stack_only()
            yield answered, drf
            return
        with mock.patch.object(route, "answer", side_effect=spy):
            yield answered, drf


def test_a_plain_receipt_takes_the_lean_path_and_is_answered_as_the_full_stack_would(pos, db):
    card = CardFactory(member=MemberFactory(birthday=None))
    with watched() as (lean, drf):
        fast = pos.post(URL, body(number="D-L1", card=card.card_number), format="json")
    assert len(lean) == 1 and lean[0] is not None
    assert drf.call_count == 0  # DRF's view never ran
    with full_stack_only(), watched() as (_lean, drf):
        full = pos.post(URL, body(number="D-L2", card=card.card_number), format="json")
    assert drf.call_count == 1
    assert fast.status_code == full.status_code == 201
    a, b = fast.json(), full.json()
    assert a.pop("number") == "D-L1" and b.pop("number") == "D-L2"
    assert a["points_earned"] == b["points_earned"] == 1200
    assert b["member_balance"]["dept_points"] == a["member_balance"]["dept_points"] + 1200  # the same card, in order
    a.pop("member_balance"), b.pop("member_balance")
    assert a == b
    headers = lambda r: {k: v for k, v in r.items() if k not in IGNORED_HEADERS}  # noqa: E731
    assert headers(fast) == headers(full)
    assert fast.content.startswith(b'{"side":"dept","number":"D-L1"')  # DRF's compact JSON, byte for byte
    stored = Receipt.objects.get(number="D-L1")
    assert stored.response == json.loads(fast.content)
    assert PointsEntry.objects.get(receipt=stored).points == 1200


def test_an_identical_repost_is_answered_200_on_the_lean_path(pos, db):
    posted = body(number="D-L3", card=CardFactory(member=MemberFactory(birthday=None)).card_number)
    first = pos.post(URL, posted, format="json")
    with watched() as (lean, drf):
        again = pos.post(URL, posted, format="json")
    assert drf.call_count == 0 and lean[0] is not None
    assert again.status_code == 200 and again.json() == first.json()


@pytest.mark.parametrize("case", ["no_token", "bad_token", "session_user", "wrong_role", "serializer_error", "conflict",
                                  "r_pts_4", "query_string"])
def test_what_is_not_plain_is_declined_to_the_full_stack_which_answers_as_before(case, api_as, user_in_role,
                                                                               client, pos, db):
    card = CardFactory(member=MemberFactory(birthday=None))
    posted, url, who = body(number=f"D-{case}", card=card.card_number), URL, pos
    if case == "no_token":
        who = api_as(user_in_role("pos"))
        who.credentials()
    elif case == "bad_token":
        who = api_as(user_in_role("pos"))
        who.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    elif case == "session_user":
        client.force_login(user_in_role("clerk"))
        who = client
    elif case == "wrong_role":
        who = api_as(user_in_role("clerk"))
    elif case == "serializer_error":
        posted["lines"][0]["quantity"] = 0
    elif case == "conflict":
        pos.post(URL, posted, format="json")
        posted = {**posted, "total": "1.00", "lines": [{**posted["lines"][0], "unit_price": "1.00"}]}
    elif case == "r_pts_4":
        posted["rung_at"] = (timezone.localtime() - dt.timedelta(days=2)).isoformat()
    elif case == "query_string":
        url = URL + "?x=1"
    before = PointsEntry.objects.count(), Receipt.objects.count()
    with watched() as (lean, drf):
        if case == "session_user":
            r = who.post(url, posted, content_type="application/json")
        else:
            r = who.post(url, posted, format="json")
    expected = {"no_token": 401, "bad_token": 401, "session_user": 403, "wrong_role": 403, "serializer_error": 400,
                "conflict": 409, "r_pts_4": 400, "query_string": 201}[case]
    assert r.status_code == expected, r.content
    assert lean == [None]  # declined: the full stack answered
    assert drf.call_count == (0 if expected in (401, 403) else 1)  # DRF refuses 401/403 before the view
    if r.status_code >= 400:
        assert set(r.json()) >= {"code", "detail", "fields"}  # the contract's error format
        assert (PointsEntry.objects.count(), Receipt.objects.count()) == before  # nothing half-written
    if case == "r_pts_4":
        assert r.json()["code"] == "R-PTS-4"
    if case == "conflict":
        assert r.json()["code"] == "conflict"
    assert Card.objects.get(pk=card.pk).dept_points >= 0


def test_the_lean_path_sends_no_health_check_before_the_ingest(pos, db):
    """Issue 16: CONN_HEALTH_CHECKS pings the database (`SELECT 1`) once a request before its first query;
    the lean route skips that round trip on the connection the previous receipt used."""
    from django.db import connections

    connection = connections["default"]
    card = CardFactory(member=MemberFactory(birthday=None))
    pos.post(URL, body(number="D-H0", card=card.card_number), format="json")  # connected, token and role cached
    connection.health_check_done = False  # as every request starts (request_started → close_old_connections)
    with mock.patch.object(type(connection), "is_usable", autospec=True, return_value=True) as ping, \
            watched() as (lean, _drf):
        r = pos.post(URL, body(number="D-H1", card=card.card_number), format="json")
    assert r.status_code == 201 and lean[0] is not None
    assert ping.call_count == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_broken_while_idle_is_dropped_and_the_full_stack_answers_on_a_new_one(api_as, user_in_role):
    """The database ended the connection between two receipts (a restart, an idle timeout): the lean route's
    ingest fails before anything is written, declines, and the full stack connects anew and stores the
    receipt once."""
    import psycopg
    from django.db import connection

    pos = api_as(user_in_role("pos"))
    card = CardFactory(member=MemberFactory(birthday=None))
    assert pos.post(URL, body(number="D-B0", card=card.card_number), format="json").status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, dbname=settings["NAME"],
                         user=settings["USER"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.health_check_done = False
    with watched() as (lean, drf):
        r = pos.post(URL, body(number="D-B1", card=card.card_number), format="json")
    assert r.status_code == 201, r.content
    assert lean == [None] and drf.call_count == 1
    assert Receipt.objects.filter(number="D-B1").count() == 1
    assert PointsEntry.objects.filter(receipt__number="D-B1").count() == 1
    card.refresh_from_db()
    assert card.dept_points == 2400
