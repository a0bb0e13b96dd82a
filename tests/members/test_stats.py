"""Member statistics (issue 15, item 6): enrolment by tier and points issued by wallet per store-local
month, from the card and ledger tables with grouped queries; the page for the desk supervisor, the
operations manager and finance, 403 for clerks; linked from the members tile."""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from members.choices import EntryKind, Wallet
from members.models import CardReplacement
from members.services import _ledger_move
from members.stats import member_stats_by_month
from tests.factories.members import CardFactory

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
URL = "admin:members_memberstatistics_changelist"


def _at(*args):
    return datetime(*args, tzinfo=SH)


def _move(card, wallet, kind, delta, at):
    with transaction.atomic():
        _ledger_move(card_id=card.pk, wallet=wallet, kind=kind, delta=delta, refuse_code="test", at=at)


@pytest.fixture
def march(supervisor):
    """March 2026: a gold card earning 120 dept + 30 market points, a platinum card at 23:30 on 31 March
    earning 200 dept; February: a gold card earning 50 market points, 20 of them reversed in March, and
    replaced by a new card in March (not an enrolment). 00:30 on 1 April is April's."""
    a = CardFactory(tier="gold", issued_at=_at(2026, 3, 5, 10))
    _move(a, Wallet.DEPT, EntryKind.EARN, 120, _at(2026, 3, 5, 11))
    _move(a, Wallet.MARKET, EntryKind.EARN, 30, _at(2026, 3, 6, 11))
    b = CardFactory(tier="platinum", issued_at=_at(2026, 3, 31, 23, 30))
    _move(b, Wallet.DEPT, EntryKind.EARN, 200, _at(2026, 3, 31, 23, 40))
    c = CardFactory(tier="gold", issued_at=_at(2026, 2, 10, 10), status="blocked")
    _move(c, Wallet.MARKET, EntryKind.EARN, 50, _at(2026, 2, 10, 12))
    _move(c, Wallet.MARKET, EntryKind.REVERSE, -20, _at(2026, 3, 2, 12))
    _move(c, Wallet.DEPT, EntryKind.ADJUST, 999, _at(2026, 3, 2, 12))  # an adjustment is not "issued"
    d = CardFactory(tier="gold", member=c.member, issued_at=_at(2026, 3, 15, 10))
    CardReplacement.objects.create(old_card=c, new_card=d, reason="lost", fee=Decimal("10.00"), by=supervisor)
    e = CardFactory(tier="gold", issued_at=_at(2026, 4, 1, 0, 30))
    _move(e, Wallet.DEPT, EntryKind.EARN, 7, _at(2026, 4, 1, 0, 40))


def test_enrolment_and_points_by_month(march):
    stats = member_stats_by_month(last=date(2026, 3, 20), count=12)
    assert stats.labels[0] == "2025-04" and stats.labels[-1] == "2026-03"
    enrolled = {s.key: s.values[-2:] for s in stats.enrolled}
    assert enrolled == {"gold": [1, 1], "platinum": [0, 1]}
    assert stats.enrolled_total[-2:] == [1, 2] and stats.replacements[-2:] == [0, 1]
    assert {s.key: s.values[-2:] for s in stats.issued} == {"dept": [0, 320], "market": [50, 30]}
    assert {s.key: s.values[-1] for s in stats.reversed} == {"dept": 0, "market": -20}
    assert sum(stats.enrolled_total) == 3 and sum(sum(s.values) for s in stats.issued) == 400


def test_queries_are_bounded(march, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        member_stats_by_month(last=date(2026, 3, 20), count=12)


def test_page_for_supervisor_ops_and_finance_not_clerks(client, clerk, supervisor, user_in_role, march):
    url = reverse(URL)
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    for role in ("ops_manager", "finance"):
        client.force_login(user_in_role(role))
        assert client.get(url).status_code == 200
    client.force_login(supervisor)
    with time_machine.travel(_at(2026, 3, 20, 10), tick=False):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "servicedesk/vendor/chart.umd.min.js" in body and "members/stats.js" in body
    data = json.loads(body.split('<script id="member-charts-data" type="application/json">')[1].split("</script>")[0])
    assert set(data) == {"members-enrolled", "members-points"}
    assert len(data["members-points"]["labels"]) == 12
    assert 'data-chart="members-enrolled"' in body and 'data-chart="members-points"' in body
    assert "百货积分" in body  # wallet labels in zh-hans
    # the table under each chart, a row a month: gold, platinum, total enrolled, replacement cards
    assert '<th scope="row">2026-03</th><td>1</td><td>1</td><td>2</td><td>1</td>' in body
    # dept, market issued; dept, market reversed
    assert '<th scope="row">2026-03</th><td>320</td><td>30</td><td>0</td><td>-20</td>' in body


def test_linked_from_the_members_tile_and_index(rf, clerk, supervisor, client):
    from members.dashboard import tiles

    url = reverse(URL)
    request = rf.get("/")
    request.user = supervisor
    assert url in [line.url for tile in tiles(request) for line in tile.lines]
    request.user = clerk
    assert url not in [line.url for tile in tiles(request) for line in tile.lines]
    client.force_login(supervisor)
    assert url in client.get(reverse("admin:app_list", args=["members"])).content.decode()
