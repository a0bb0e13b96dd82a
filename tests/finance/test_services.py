"""R-FIN-1 (a month's ledgers: rows, balances, movements, exports) and R-FIN-2 (the close freezes the month),
with the numbers of the test's own entries (tests/finance/conftest.py `books`)."""

import csv
import datetime as dt
import io
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from finance import aggregates, selectors, services
from finance.choices import ExportStatus, FinanceEventType
from finance.models import ExportJob, FinanceEvent, LedgerTotal, MonthClose
from members.choices import EntryKind as K
from members.choices import Wallet as W
from members.models import Card
from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.extensions import month_ledgers
from servicedesk.models import Period
from tests.factories.finance import at_in, move

pytestmark = pytest.mark.django_db


def _summary(name, month):
    return selectors.ledger_summary(ledger=month_ledgers.get(name), month=month)


def test_r_fin_1_points_month_has_its_rows_opening_movements_and_closing(books, month):
    s = _summary("points", month)
    assert s.rows == 5
    assert s.opening == D(1000)
    assert s.closing == D(3000)
    assert {m.kind: (m.rows, m.inflow, m.outflow) for m in s.movements} == {
        "dept.earn": (2, D(2000), D(0)), "dept.adjust": (1, D(0), D(50)),
        "market.earn": (1, D(300), D(0)), "market.redeem": (1, D(0), D(250))}
    assert s.balanced and s.ledger_balance == D(3099)  # today's +99 is after the month
    assert s.totals == {"points_earned": 2300, "points_spent": 250}


def test_r_fin_1_stored_value_month_in_and_out(books, month):
    s = _summary("stored_value", month)
    assert (s.rows, s.opening, s.closing) == (2, D("200.00"), D("579.50"))
    assert s.totals == {"stored_value_in": D("500.00"), "stored_value_out": D("120.50")}
    assert s.balanced


def test_r_fin_1_a_kept_balance_that_differs_from_its_ledger_is_shown_unbalanced(books, month):
    Card.objects.filter(pk=books["a"].pk).update(dept_points=1)
    try:
        assert _summary("points", month).balanced is False
        assert _summary("stored_value", month).balanced is True
    finally:
        Card.objects.filter(pk=books["a"].pk).update(dept_points=1000 + 1200 - 50 + 99)


def test_r_fin_1_settled_aggregates_plus_later_entries_equal_the_ledger(books, month):
    now = timezone.now()
    services.ledger_totals_settle_all(now=now)  # marks the newest entry as pending
    services.ledger_totals_settle_all(now=now + dt.timedelta(minutes=11))  # settles it
    assert LedgerTotal.objects.filter(ledger="points", month=f"{month:%Y-%m}", kind="dept.earn").get().rows == 2
    # a back-dated correction into the (open) month after settling is still counted by the page
    move(books["b"], W.DEPT, K.ADJUST, 7, at=at_in(month, 20))
    s = _summary("points", month)
    assert (s.rows, s.closing) == (6, D(3007))
    # settling twice more changes nothing but moves the entry into the totals
    services.ledger_totals_settle_all(now=now + dt.timedelta(minutes=11))
    services.ledger_totals_settle_all(now=now + dt.timedelta(minutes=30))
    assert _summary("points", month).closing == D(3007)
    assert LedgerTotal.objects.filter(ledger="points", month=f"{month:%Y-%m}", kind="dept.adjust").get().rows == 2


def test_r_fin_1_unsettled_entries_below_the_settled_id_cannot_be_lost(books, month):
    """An entry settled only once its id is at least 10 minutes old: a pending id is never folded early."""
    now = timezone.now()
    services.ledger_totals_settle_all(now=now)
    services.ledger_totals_settle_all(now=now + dt.timedelta(minutes=5))
    by_id = [name for name in month_ledgers.names() if not aggregates.kept_current(name)]  # not kept by a trigger
    assert not LedgerTotal.objects.filter(ledger__in=by_id).exists()
    assert _summary("points", month).closing == D(3000)


def test_r_fin_2_close_stores_the_month_totals_and_freezes_the_month(books, month, finance_user,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        close = services.month_close(month=month, user=finance_user)
    assert close.totals == {"points_earned": 2300, "points_spent": 250, "stored_value_in": "500.00",
                            "stored_value_out": "120.50", "gifts_issued": 0, "invoices_amount": "0.00"}
    assert close.summary["points"]["rows"] == 5 and close.summary["stored_value"]["closing"] == "579.50"
    assert Period.objects.get(month=month).closed
    event = FinanceEvent.objects.get(type=FinanceEventType.CLOSED)
    assert (event.user, event.month, event.created_at) == (finance_user, month, close.closed_at)
    # the month's files were written at the close, each with its checksum
    files = ExportJob.objects.filter(close=close, status=ExportStatus.DONE)
    assert sorted((j.ledger, j.format) for j in files) == [
        ("gifts", "csv"), ("gifts", "xlsx"), ("invoices", "csv"), ("invoices", "xlsx"),
        ("points", "csv"), ("points", "xlsx"), ("stored_value", "csv"), ("stored_value", "xlsx"), ("summary", "pdf")]
    for job in files:
        assert job.file.startswith("finance/") and len(job.sha256) == 64
        with default_storage.open(job.file, "rb") as fh:
            assert services.exports.sha256_of(fh) == job.sha256
    assert FinanceEvent.objects.filter(type=FinanceEventType.FILES_STORED).count() == 1


def test_r_fin_2_closing_again_is_a_conflict(books, month, finance_user):
    services.month_close(month=month, user=finance_user)
    with pytest.raises(Conflict) as err:
        services.month_close(month=month, user=finance_user)
    assert err.value.code == "period_closed"


def test_r_fin_2_the_current_or_a_future_month_is_refused(db, finance_user):
    this_month = timezone.localdate().replace(day=1)
    for month in (this_month, (this_month + dt.timedelta(days=40)).replace(day=1)):
        with pytest.raises(RuleViolation) as err:
            services.month_close(month=month, user=finance_user)
        assert err.value.code == "R-FIN-2" and "month" in err.value.fields
    assert not MonthClose.objects.exists()


@pytest.mark.ledger_mismatch_expected
def test_r_fin_2_a_month_whose_ledgers_do_not_balance_is_not_closed(books, month, finance_user):
    Card.objects.filter(pk=books["b"].pk).update(market_points=5)
    with pytest.raises(Conflict) as err:
        services.month_close(month=month, user=finance_user)
    assert err.value.code == "R-FIN-2" and "points" in err.value.fields["ledgers"]
    assert not Period.objects.filter(closed=True).exists()


def test_r_fin_2_only_finance_closes(books, month, user_in_role):
    for role in ("desk_supervisor", "clerk", "ops_manager"):
        with pytest.raises(NotAllowed):
            services.month_close(month=month, user=user_in_role(role))


def test_r_fin_2_after_the_close_every_dated_writer_is_refused_then_reopen_accepts(books, month, finance_user,
                                                                                   user_in_role):
    from members import services as members_services

    first = services.month_close(month=month, user=finance_user)
    services.month_files_build(close_id=first.pk)
    supervisor = user_in_role("desk_supervisor")
    inside = at_in(month, 15)
    # a points adjustment dated in the month (its clock in the closed month)
    with mock.patch("members.services.ledger.timezone") as clock:
        clock.now.return_value = inside
        with pytest.raises(Conflict) as err:
            members_services.points_adjust(card=books["a"], wallet=W.DEPT, delta=10, reason="补录", user=supervisor)
    assert err.value.code == "period_closed"
    # any ledger move dated inside the month (stored value too), and a voucher exchanged "then"
    with pytest.raises(Conflict):
        move(books["a"], W.STORED_VALUE, K.ADJUST, "1.00", at=inside)
    with pytest.raises(Conflict):
        members_services.voucher_exchange(card=books["a"], points=250, user=supervisor, now=inside)
    card = Card.objects.get(pk=books["a"].pk)
    assert (card.dept_points, card.market_points, card.stored_value) == (2249, 50, D("579.50"))
    # the same adjustment written now, into the open month, is accepted (with a reference to the closed one)
    entry = members_services.points_adjust(card=books["a"], wallet=W.DEPT, delta=10, reason=f"补录 {month:%Y-%m}",
                                           user=supervisor)
    assert entry.at >= timezone.now() - dt.timedelta(minutes=1)
    # reopen (administrator, with a reason): the back-dated adjustment is accepted again
    admin = user_in_role("admin")
    with pytest.raises(NotAllowed):
        services.month_reopen(month=month, user=finance_user, reason="x")
    with pytest.raises(RuleViolation):
        services.month_reopen(month=month, user=admin, reason=" ")
    services.month_reopen(month=month, user=admin, reason="漏记一笔调整")
    assert not Period.objects.get(month=month).closed
    with mock.patch("members.services.ledger.timezone") as clock:
        clock.now.return_value = inside
        late = members_services.points_adjust(card=books["a"], wallet=W.DEPT, delta=10, reason="补录", user=supervisor)
    assert late.at == inside
    reopened = FinanceEvent.objects.get(type=FinanceEventType.REOPENED)
    assert (reopened.user, reopened.parameters["reason"]) == (admin, "漏记一笔调整")
    # closing again counts the late entry, stores new totals and writes new files
    again = services.month_close(month=month, user=finance_user)
    services.month_files_build(close_id=again.pk)
    old_csv = ExportJob.objects.filter(close__reopened_at__isnull=False, ledger="points", format="csv").first()
    new_csv = ExportJob.objects.get(close=again, ledger="points", format="csv")
    assert old_csv.sha256 != new_csv.sha256 and old_csv.file != new_csv.file  # the old file stays on record
    with default_storage.open(new_csv.file, "rb") as fh:
        assert fh.read().count(b"\n") == 1 + 6
    assert again.pk != MonthClose.objects.exclude(pk=again.pk).get().pk
    assert again.summary["points"]["rows"] == 6 and again.summary["points"]["closing"] == "3010"


def test_r_fin_2_a_till_import_of_a_receipt_rung_in_a_closed_month_is_refused(books, month, finance_user):
    from receipts.choices import ReceiptSource
    from receipts.models import Receipt
    from receipts.services import receipt_ingest

    services.month_close(month=month, user=finance_user)
    data = {"side": "dept", "number": "D-LATE-1", "rung_at": at_in(month, 30, hour=20), "card_number": None,
            "payment_method": "cash", "total": D("99.00"),
            "lines": [{"line_no": 1, "sku": "1", "description": "围巾", "counter": "C-1F-01", "category": "clothing",
                       "list_price": D("99.00"), "unit_price": D("99.00"), "quantity": 1, "bulk_discount": False,
                       "fresh": False}]}
    with pytest.raises(Conflict) as err:
        receipt_ingest(data=data, user=finance_user, source=ReceiptSource.IMPORT)
    assert err.value.code == "period_closed"
    assert not Receipt.objects.filter(number="D-LATE-1").exists()
    # rung today, the same import is stored
    receipt_ingest(data={**data, "rung_at": timezone.now() - dt.timedelta(minutes=5)}, user=finance_user,
                   source=ReceiptSource.IMPORT)
    assert Receipt.objects.filter(number="D-LATE-1").exists()


def test_r_fin_2_the_annual_rebate_is_guarded_by_its_date(books, month, finance_user):
    from members.services import annual_rebate_run

    services.month_close(month=month, user=finance_user)
    with pytest.raises(Conflict):
        annual_rebate_run(year=month.year, now=at_in(month, 31 if month.month in (1, 3, 5, 7, 8, 10, 12) else 28))


def _csv_rows(data: bytes):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def test_r_fin_1_export_job_writes_the_csv_with_progress_and_checksum(books, month, finance_user,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_job_start(ledger_name="points", month=month, fmt="csv", user=finance_user)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 5, 5)
    assert job.expires_at.date() == (job.created_at + dt.timedelta(days=30)).date()  # the policy's 30 days
    with default_storage.open(job.file, "rb") as fh:
        data = fh.read()
    rows = _csv_rows(data)
    assert rows[0] == ["ledger entry", "at", "card number", "wallet", "kind", "points", "balance after", "reference", "by"]
    assert [int(r[5]) for r in rows[1:]] == [1200, 300, -250, -50, 800]
    assert rows[1][1] == f"{month:%Y-%m}-03 11:00:00"  # store time
    assert job.size == len(data)


def test_r_fin_1_xlsx_export_has_translated_headers(books, month, finance_user, django_capture_on_commit_callbacks):
    from django.utils import translation
    from openpyxl import load_workbook

    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        job = services.export_job_start(ledger_name="stored_value", month=month, fmt="xlsx", user=finance_user)
    job.refresh_from_db()
    with default_storage.open(job.file, "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read()), read_only=True).active
        rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("流水记录", "时间", "卡号", "种类", "金额", "变动后余额", "关联单据", "操作人")
    assert [D(str(r[4])) for r in rows[1:]] == [D("500.00"), D("-120.50")]


def test_r_fin_1_exports_are_refused_to_other_roles_and_unknown_ledgers(books, month, user_in_role, finance_user):
    with pytest.raises(NotAllowed):
        services.export_job_start(ledger_name="points", month=month, fmt="csv", user=user_in_role("desk_supervisor"))
    with pytest.raises(RuleViolation) as err:
        services.export_job_start(ledger_name="nope", month=month, fmt="csv", user=finance_user)
    assert "ledger" in err.value.fields
    with pytest.raises(RuleViolation) as err:
        services.export_job_start(ledger_name="points", month=month, fmt="doc", user=finance_user)
    assert "format" in err.value.fields


def test_r_fin_1_expired_exports_are_purged_but_closing_files_are_kept(books, month, finance_user,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_job_start(ledger_name="points", month=month, fmt="csv", user=finance_user)
        services.month_close(month=month, user=finance_user)
    job.refresh_from_db()
    assert services.exports_purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert services.exports_purge(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert not default_storage.exists(job.file or "x")
    assert ExportJob.objects.get(pk=job.pk).file == ""
    assert ExportJob.objects.filter(close__isnull=False).exclude(file="").count() == 9  # 4 ledgers x 2 + summary


def test_r_fin_1_pdf_summary_names_the_month(books, month, finance_user, django_capture_on_commit_callbacks):
    data = services.summary_pdf_bytes(month=month)
    assert data.startswith(b"%PDF") and len(data) > 1000
