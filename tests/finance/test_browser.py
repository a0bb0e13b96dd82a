"""Browser: finance starts an XLSX export of the month on the month page, sees the progress bar, downloads the
file and opens it with openpyxl (translated header row)."""

from unittest import mock

import pytest
from openpyxl import load_workbook

from finance import services
from finance.models import ExportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_fin_1_finance_exports_the_month_to_xlsx_with_progress_and_downloads_it(page, live_server, login, screenshot,
                                                                                  user_in_role, books, month, tmp_path):
    user_in_role("finance", username="qian_kuaiji")
    login("qian_kuaiji")
    page.goto(f"{live_server.url}/finance/monthclose/month/?month={month:%Y-%m}")
    assert "积分台账" in page.content() and "储值台账" in page.content()
    assert page.locator("#ledger-points .rows").inner_text().strip() == "5"
    assert page.locator("#month-select option:checked").inner_text().startswith(f"{month:%Y-%m} · ")
    # The worker is held back so the bar is seen moving: queued 0 % → 2 of 5 rows (40 %) → done (100 %).
    queued = []
    with mock.patch("finance.tasks.export_job_run_task.delay", side_effect=queued.append):
        page.click("#export-points-xlsx")
        page.wait_for_selector("#export-progress-card:not([hidden])")
    assert page.locator("#export-progress").evaluate("el => el.value") == 0
    job_id = queued[0]
    ExportJob.objects.filter(pk=job_id).update(status="running", rows_done=2)
    page.wait_for_selector('#export-progress[value="40"]', timeout=30_000)  # (no string eval under the CSP)
    assert "2 / 5 (40%)" in page.locator("#export-progress-text").inner_text()
    screenshot("finance_month_export_running")
    services.export_job_run(job_id=job_id)
    page.wait_for_selector('#export-progress[value="100"]', timeout=60_000)
    assert "5 / 5" in page.locator("#export-progress-text").inner_text()
    page.wait_for_selector("#export-download:not([hidden])", timeout=60_000)
    screenshot("finance_month_export")
    with page.expect_download() as info:
        page.click("#export-download")
    target = tmp_path / "points.xlsx"
    info.value.save_as(target)
    ws = load_workbook(target, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("流水记录", "时间", "卡号", "账户", "种类", "积分", "变动后余额", "关联单据", "操作人")
    assert [r[5] for r in rows[1:]] == [1200, 300, -250, -50, 800]
    job = ExportJob.objects.get(created_by__username="qian_kuaiji")
    assert (job.status, job.rows_done, job.created_by.username) == ("done", 5, "qian_kuaiji")
