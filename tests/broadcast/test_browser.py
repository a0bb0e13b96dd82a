"""R-BC-4 in the browser: the announcer's booth page is open; a clerk raises a lost-child insert at the desk
in one step; within seconds (no reload) the booth shows it on top of the page, the announcer marks it
aired with one click, and it appears in the air log."""

import pytest

from broadcast.models import AirLogEntry, UrgentInsert
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_bc_4_clerk_raises_lost_child_booth_shows_it_on_top_and_airs_it(browser, page, live_server, login,
                                                                          screenshot, user_in_role):
    user_in_role("announcer", username="booth_chen")
    user_in_role("clerk", username="desk_wang")

    # the announcer has the booth open
    login("booth_chen")
    page.goto(f"{live_server.url}/broadcast/urgentinsert/booth/")
    assert page.is_visible("#queue-empty")

    # a clerk at the desk raises the insert in one step (a browser of its own)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    clerk_page = desk.new_page()
    clerk_page.set_default_timeout(15_000)
    clerk_page.goto(f"{live_server.url}/login/")
    clerk_page.fill("#id_username", "desk_wang")
    clerk_page.fill("#id_password", "pw")
    clerk_page.click("input[type=submit]")
    clerk_page.wait_for_url(f"{live_server.url}/")
    clerk_page.goto(f"{live_server.url}/broadcast/urgentinsert/raise/")
    clerk_page.check("input[name=kind][value=lost_child]")
    clerk_page.fill("#id_details", "约五岁、穿红色羽绒服的男孩（乐乐）")
    clerk_page.click("button[name=raise]")
    clerk_page.wait_for_selector(".messagelist .success")
    ARTIFACTS.mkdir(exist_ok=True)
    clerk_page.screenshot(path=str(ARTIFACTS / "broadcast_raise_page.png"), full_page=True)
    desk.close()
    insert = UrgentInsert.objects.get()

    # the booth page shows it on top within seconds, without a reload
    page.wait_for_selector(f"#insert-queue article[data-insert='{insert.pk}']", timeout=10_000)
    top = page.locator("#insert-queue article").first
    assert top.get_attribute("data-kind") == "lost_child"
    assert "乐乐" in top.inner_text()
    box_queue = page.locator("#insert-queue").bounding_box()
    box_timeline = page.locator("#timeline").bounding_box()
    assert box_queue["y"] < box_timeline["y"]  # the queue is on top of the page
    screenshot("broadcast_booth_with_insert")

    # one click: aired, and it is in the log
    top.locator("button[name=aired]").click()
    page.wait_for_selector(".messagelist .success")
    page.wait_for_selector("#queue-empty")
    assert "寻人（儿童）" in page.inner_text("#air-log")
    assert "booth_chen" in page.inner_text("#air-log")
    insert.refresh_from_db()
    assert insert.status == "aired"
    assert AirLogEntry.objects.get(insert=insert).by.username == "booth_chen"
    screenshot("broadcast_booth_after_airing")
