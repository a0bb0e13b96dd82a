"""Pure rules of the desk services (R-DESK-2…4), no database."""

import datetime as dt
from decimal import Decimal

import pytest

from desk import rules


def test_r_desk_2_pinyin_initials_of_brand_names():
    assert rules.brand_initials("雅诗兰黛") == "ysld"
    assert rules.brand_initials("Nike 耐克") == "nikenk"
    assert rules.brand_initials("周大福") == "zdf"


def test_r_desk_3_loan_clock_uses_policy_days():
    lent = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    clock = rules.loan_clock(lent_at=lent, loan_days=3, forfeit_days=30)
    assert clock.due_at == dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
    assert clock.forfeit_at == dt.datetime(2026, 12, 31, 10, 0, tzinfo=dt.UTC)
    assert not rules.loan_is_overdue(due_at=clock.due_at, now=clock.due_at - dt.timedelta(seconds=1))
    assert rules.loan_is_overdue(due_at=clock.due_at, now=clock.due_at)


def test_r_desk_3_deposit_day_three_lent_two_returned():
    twenty = Decimal("20.00")
    day = rules.deposit_day(held_at_open=Decimal("0.00"),
                            entries=[("taken", twenty)] * 3 + [("refunded", twenty)] * 2)
    assert day.taken == Decimal("60.00")
    assert day.refunded == Decimal("40.00")
    assert day.cash_change == Decimal("20.00")
    assert day.held_at_close == Decimal("20.00")


def test_r_desk_3_a_kept_deposit_leaves_held_but_not_the_drawer():
    day = rules.deposit_day(held_at_open=Decimal("20.00"), entries=[("forfeited", Decimal("20.00"))])
    assert day.cash_change == Decimal("0.00") and day.held_at_close == Decimal("0.00")


@pytest.mark.parametrize(("status", "to", "ok"), [
    ("requested", "scheduled", True), ("scheduled", "out_for_delivery", True), ("out_for_delivery", "delivered", True),
    ("requested", "delivered", False), ("delivered", "scheduled", False), ("cancelled", "requested", False),
    ("out_for_delivery", "cancelled", False),
])
def test_r_desk_3_delivery_transitions(status, to, ok):
    assert rules.delivery_may_move(status=status, to=to) is ok


def test_r_desk_3_lost_property_numbers_and_holding():
    assert rules.lost_property_number(day=dt.date(2026, 12, 1), n=7) == "SW-20261201-0007"
    assert rules.lost_property_key(day=dt.date(2026, 12, 1)) == "SW-20261201"
    after = rules.dispose_after(registered_on=dt.date(2026, 12, 1), holding_days=90)
    assert after == dt.date(2027, 3, 1)
    assert not rules.may_dispose(dispose_after=after, today=after)
    assert rules.may_dispose(dispose_after=after, today=after + dt.timedelta(days=1))
    assert rules.pa_kind_for("lost_child") == "lost_child" and rules.pa_kind_for("found_item") == "lost_property"


def test_r_desk_4_periods():
    assert rules.week_bounds("2026-W48") == (dt.date(2026, 11, 23), dt.date(2026, 11, 30))
    assert rules.month_bounds("2026-12") == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert rules.previous_week(dt.date(2026, 11, 30)) == "2026-W48"
    assert rules.previous_month(dt.date(2026, 1, 1)) == "2025-12"
    for bad in ("2026-48", "2026-W54", "", "2026-13"):
        with pytest.raises(rules.BadPeriod):
            rules.week_bounds(bad) if "W" in bad or bad == "2026-48" else rules.month_bounds(bad)
