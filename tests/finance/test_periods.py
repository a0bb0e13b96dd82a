"""The one period guard (servicedesk/periods.py, R-FIN-2)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from servicedesk.errors import RuleViolation
from servicedesk.models import Period
from servicedesk.periods import PeriodClosed, month_bounds, month_parse, month_start, period_guard, period_set_closed
from tests.factories.finance import at_in, last_month

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "26-11", "", "abcd-ef", "1999-12", None])
def test_a_month_is_yyyy_mm_or_a_400_naming_the_field(value):
    with pytest.raises(RuleViolation) as err:
        month_parse(value)
    assert err.value.fields == {"month": [str(value)]}


def test_month_bounds_are_store_time():
    start, end = month_bounds(dt.date(2026, 12, 1))
    assert start.isoformat() == "2026-12-01T00:00:00+08:00" and end.isoformat() == "2027-01-01T00:00:00+08:00"
    # 23:30 UTC on 30 November is already December in Beijing
    assert month_start(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 12, 1)


def test_r_fin_2_guard_refuses_a_moment_in_a_closed_month_only(finance_user):
    month = last_month()
    with transaction.atomic():
        period_set_closed(month=month, closed=True, user=finance_user, now=timezone.now())
    with pytest.raises(PeriodClosed) as err:
        period_guard(at=at_in(month, 9))
    assert (err.value.code, err.value.status_code) == ("period_closed", 409)
    with transaction.atomic(), pytest.raises(PeriodClosed):
        period_guard(at=at_in(month, 1, hour=0))  # the first second of the month, store time
    period_guard(at=at_in(month, 1, hour=0) - dt.timedelta(seconds=1))  # the month before is open
    period_guard(at=timezone.now())  # the current month: no query, never closed
    with transaction.atomic():
        period_set_closed(month=month, closed=False, user=finance_user, now=timezone.now())
    period_guard(at=at_in(month, 9))
    assert Period.objects.get(month=month).history.count() >= 2  # closed and reopened, with who and when


def test_the_current_month_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        period_guard(at=timezone.now())
