"""Issue 9, item 7: impossible birthdays are refused with a message naming the field (9999-12-31 and
0001-01-01 used to be stored): not in the future, not more than MEMBERS_BIRTHDAY_MAX_AGE_YEARS (120) ago."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from members.models import Member, validate_birthday
from members.rules import birthday_problem
from tests.factories.receipts import ReceiptFactory
from tests.members.test_api import URL, enrol_body

TODAY = dt.date(2026, 12, 1)


def test_rule_future_and_120_years_bounds():
    assert birthday_problem(birthday=TODAY, today=TODAY, max_age_years=120) is None
    assert birthday_problem(birthday=TODAY + dt.timedelta(days=1), today=TODAY, max_age_years=120) == "future"
    assert birthday_problem(birthday=dt.date(1906, 12, 1), today=TODAY, max_age_years=120) is None
    assert birthday_problem(birthday=dt.date(1906, 11, 30), today=TODAY, max_age_years=120) == "too_old"
    assert birthday_problem(birthday=None, today=TODAY, max_age_years=120) is None
    leap = dt.date(2028, 2, 29)  # 121 years before it there is no 29 February: the 28th is the oldest allowed
    assert birthday_problem(birthday=dt.date(1907, 2, 28), today=leap, max_age_years=121) is None
    assert birthday_problem(birthday=dt.date(1907, 2, 27), today=leap, max_age_years=121) == "too_old"


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.django_db
@pytest.mark.parametrize(("birthday", "message"), [("9999-12-31", "future"), ("2026-12-02", "future"),
                                                   ("0001-01-01", "120 years"), ("1906-11-30", "120 years")])
def test_api_refuses_impossible_birthday_naming_the_field(api_as, clerk, card_stock, birthday, message):
    response = api_as(clerk).post(URL, {**enrol_body(receipts=[ReceiptFactory(total="900.00")]), "birthday": birthday},
                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.json()["fields"]["birthday"][0]
    assert not Member.objects.exists()


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.django_db
def test_api_accepts_a_possible_old_birthday(api_as, clerk, card_stock):
    response = api_as(clerk).post(URL, {**enrol_body(receipts=[ReceiptFactory(total="900.00")]), "birthday": "1906-12-01"})
    assert response.status_code == 201, response.json()
    assert Member.objects.get().birthday == dt.date(1906, 12, 1)


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_model_validator_and_setting(settings):
    with pytest.raises(ValidationError):
        validate_birthday(dt.date(9999, 12, 31))
    with pytest.raises(ValidationError):
        validate_birthday(dt.date(1, 1, 1))
    settings.MEMBERS_BIRTHDAY_MAX_AGE_YEARS = 130
    validate_birthday(dt.date(1900, 1, 1))


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_counter_enrol_form_refuses_it_too():
    from members.forms import EnrolForm

    form = EnrolForm(data={"birthday": "9999-12-31"})
    form.is_valid()
    assert "birthday" in form.errors
