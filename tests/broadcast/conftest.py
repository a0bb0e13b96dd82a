from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
DAY = "2026-12-05"


def store(day: str, hhmm: str) -> datetime:
    y, m, d = (int(x) for x in day.split("-"))
    hh, mm = (int(x) for x in hhmm.split(":"))
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def announcer(user_in_role):
    return user_in_role("announcer", username="announcer_li")


@pytest.fixture
def supervisor2(user_in_role):
    return user_in_role("desk_supervisor", username="sup_zhang")
