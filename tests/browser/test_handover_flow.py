import pytest

from servicedesk.models import HandoverEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_desk_1_clerk_writes_handover_and_next_shift_acknowledges(page, live_server, login, logout, screenshot,
                                                                    user_in_role):
    early = user_in_role("clerk", username="zhang_early")
    user_in_role("clerk", username="li_late")

    # the early clerk opens the dashboard (in Chinese) and writes the handover entry
    login("zhang_early")
    assert "服务台" in page.title()
    page.goto(f"{live_server.url}/servicedesk/handoverentry/desk/")
    page.fill("#id_notes", "三号收银台打印机缺纸，已报修。")
    page.fill("#id_new_items", "王女士投诉待回访\n雨伞 #12 未归还")
    page.click("input[name=write]")
    page.wait_for_selector(".messagelist .success")
    entry = HandoverEntry.objects.get()
    assert entry.written_by == early and entry.items.count() == 2
    logout()

    # the late clerk sees it waiting on the dashboard tile and acknowledges it
    login("li_late")
    tile = page.locator(".desk-tile", has_text="交接班本")
    assert tile.locator(".desk-alert").inner_text().strip() == "1"
    tile.locator("h2 a").click()
    assert "三号收银台打印机缺纸" in page.content()
    page.click("button[name=acknowledge]")
    page.wait_for_selector(".messagelist .success")
    screenshot("handover_acknowledged")
    entry.refresh_from_db()
    assert entry.acknowledged_by.username == "li_late"
    assert "没有待确认的交接记录" in page.content()
