import datetime as dt
from decimal import Decimal as D

import pytest

from members.choices import EntryKind as K
from members.choices import Wallet as W
from tests.factories.finance import at_in, last_month, move
from tests.factories.members import CardFactory


@pytest.fixture
def month():
    return last_month()


@pytest.fixture
def finance_user(user_in_role):
    return user_in_role("finance", username="cai_wu")


@pytest.fixture
def books(db, month):
    """Two cards with entries before, inside and after `month` (last month):

    before: card A +1000 dept (earn), +200.00 stored value (adjust)
    month:  A +1200 dept earn, +300 market earn, -250 market redeem, -50 dept adjust;
            B +800 dept earn; A stored value +500.00 rebate, -120.50 redeem
    after (today): A +99 dept earn (not in the month)
    """
    a, b = CardFactory(), CardFactory()
    before = at_in(month - dt.timedelta(days=20), day=5)
    move(a, W.DEPT, K.EARN, 1000, at=before)
    move(a, W.STORED_VALUE, K.ADJUST, "200.00", at=before)
    move(a, W.DEPT, K.EARN, 1200, at=at_in(month, 3))
    move(a, W.MARKET, K.EARN, 300, at=at_in(month, 4))
    move(a, W.MARKET, K.REDEEM, -250, at=at_in(month, 5))
    move(a, W.DEPT, K.ADJUST, -50, at=at_in(month, 6))
    move(b, W.DEPT, K.EARN, 800, at=at_in(month, 28, hour=23))
    move(a, W.STORED_VALUE, K.REBATE, "500.00", at=at_in(month, 7))
    move(a, W.STORED_VALUE, K.REDEEM, "-120.50", at=at_in(month, 8))
    from django.utils import timezone

    move(a, W.DEPT, K.EARN, 99, at=timezone.now())
    return {"a": a, "b": b, "points_rows": 5, "points_opening": 1000, "points_closing": 1000 + 1200 + 300 - 250 - 50 + 800,
            "sv_rows": 2, "sv_opening": D("200.00"), "sv_closing": D("579.50")}
