"""R-FIN-2 under concurrent desks (PostgreSQL, threads): a back-dated ledger write racing the close either
lands before the close counts the month (and is in its totals) or is refused with period_closed — never
written into a closed month without being counted."""

import threading

import pytest
from django.db import connection

from finance import services
from finance.models import MonthClose
from members.choices import EntryKind as K
from members.choices import Wallet as W
from members.models import PointsEntry
from servicedesk.errors import Conflict
from servicedesk.extensions import month_ledgers
from servicedesk.periods import month_bounds
from tests.factories.finance import at_in, move

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(work: list) -> list:
    barrier, out, lock = threading.Barrier(len(work)), [], threading.Lock()

    def worker(fn):
        try:
            barrier.wait()
            result = fn()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            result = exc
        finally:
            connection.close()
        with lock:
            out.append(result)

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_r_fin_2_back_dated_writes_racing_the_close_are_counted_or_refused(books, month, finance_user):
    writers = [lambda i=i: move(books["b"], W.DEPT, K.ADJUST, 1, at=at_in(month, 12 + i)) for i in range(4)]
    results = run_at_once([lambda: services.month_close(month=month, user=finance_user), *writers])
    close = MonthClose.objects.get()
    refused = [r for r in results if isinstance(r, Conflict)]
    assert all(r.code == "period_closed" for r in refused)
    start, end = month_bounds(month)
    in_month = PointsEntry.objects.filter(at__gte=start, at__lt=end, wallet__in=["dept", "market"]).count()
    assert close.summary["points"]["rows"] == in_month == 5 + (4 - len(refused))
    assert month_ledgers.get("points") is not None
