"""R-GIFT-3 in the browser: the clerk scans a receipt on the gift counter, reads the verdict aloud (which
campaign, why, how much more would qualify), issues the gift, and a second click is refused."""

import pytest

from gifts.models import GiftIssue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_gift_3_scan_first_counter(page, live_server, login, screenshot, user_in_role, campaign, make_receipt):
    user_in_role("clerk", username="desk_wang")
    good = make_receipt(lines=[("clothing", "1200.00", 1)], number="D-GIFT-0001")
    short = make_receipt(lines=[("clothing", "420.00", 1), ("cosmetics", "300.00", 1)], number="D-GIFT-0002")
    login("desk_wang")
    page.goto(f"{live_server.url}/gifts/giftissue/counter/")
    page.fill("#id_code", short.number)
    page.press("#id_code", "Enter")
    page.wait_for_selector(".gift-verdict")
    assert "80.00" in page.inner_text(".gift-verdict")  # 420.00 counted, 80.00 more would qualify
    screenshot("gift_counter_does_not_qualify")
    page.fill("#id_code", good.number)
    page.press("#id_code", "Enter")
    page.wait_for_selector(f"section[data-campaign='{campaign.code}'] button")
    screenshot("gift_counter_qualifies")
    page.click(f"section[data-campaign='{campaign.code}'] button")
    page.wait_for_selector(".messagelist .success")
    assert "99" in page.inner_text(".messagelist")
    assert "R-GIFT-3" in page.inner_text(f"section[data-campaign='{campaign.code}'] .gift-verdict")
    screenshot("gift_counter_issued")
    assert GiftIssue.objects.filter(receipt__number=good.number).count() == 1
