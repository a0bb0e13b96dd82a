"""Object names in the admin (inline headers, history) show store time, never UTC (issue 15, item 3)."""

import datetime as dt

from servicedesk.timefmt import store_time


def test_store_time_shows_a_utc_moment_in_the_stores_time_zone(settings):
    moment = dt.datetime(2026, 12, 2, 4, 35, tzinfo=dt.UTC)  # 12:35 in Asia/Shanghai
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert store_time(moment) == "2026-12-02 12:35"
    assert store_time(dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC), "%Y-%m-%d") == "2026-12-02"
    assert store_time(None) == ""


def test_a_return_event_is_named_in_store_time(db):
    from returns.models import ReturnEvent

    event = ReturnEvent(type="created", created_at=dt.datetime(2026, 12, 2, 4, 35, tzinfo=dt.UTC))
    assert str(event).endswith("2026-12-02 12:35")
