"""The clerk's member work in the browser (issue 15, item 8): enrol a member from qualifying receipts (live
qualification, R-VIP-1), then issue a goods voucher from Member 360 — the confirmation names the points and
the value before anything is written (R-RBT-2: 1,000 market points → 60.00) — and print it. The enrolment,
Member 360 and confirmation pages are checked at 1366 and 1024 wide, phone masked (R-VIP-7)."""

from decimal import Decimal

import pytest

from members.models import Card
from tests.factories.members import MemberFactory, card_with_balance, stock_cards
from tests.factories.receipts import ReceiptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_enrols_a_member_from_two_receipts(page, live_server, login, layout_check, user_in_role):
    stock_cards(500)
    ReceiptFactory(total=Decimal("500.00"), number="D20261123-000001")
    ReceiptFactory(side="market", total=Decimal("350.00"), number="M20261123-000002")
    user_in_role("clerk", username="clerk_enrol")
    login("clerk_enrol")
    page.click(".desk-task[href$='/members/card/enrol/']")  # one click from home
    page.fill("#id_receipts", "D20261123-000001\nM20261123-000002")
    page.wait_for_selector("#qualification-result.alert-success")
    assert "850.00" in page.inner_text("#qualification-result")  # 500.00 + 350.00 on one business day
    page.select_option("#id_tier", "gold")
    page.fill("#id_name", "张伟")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_address", "上海市黄浦区南京东路1号")
    page.select_option("#id_id_type", "id_card")
    page.fill("#id_id_number", "11010519491231002X")
    layout_check("member_enrol_form", visible=("#qualification-result", "input[name=enrol]"), phones_masked=False)
    page.click("input[name=enrol]")
    page.wait_for_selector("#member-summary")
    card = Card.objects.get(member__name="张伟")
    assert card.card_number in page.inner_text(".messagelist .success")
    assert "138****8000" in page.inner_text("#member-summary")  # the clerk sees the phone masked (R-VIP-7)
    pdf_href = page.get_attribute(".messagelist .success a", "href")
    response = page.request.get(f"{live_server.url}{pdf_href}")
    assert response.status == 200 and response.body().startswith(b"%PDF")  # the application form prints
    layout_check("member_enrolled_360", visible=("#member-summary", "#member-360-q"))


def test_clerk_issues_a_voucher_after_confirming_the_amount_and_prints_it(page, live_server, login, layout_check,
                                                                          user_in_role):
    card = card_with_balance(market=1500, member=MemberFactory(name="李娜", phone="13912345678"))
    user_in_role("clerk", username="clerk_voucher")
    login("clerk_voucher")
    page.keyboard.type(card.card_number)  # the scanner, into the home's box
    page.keyboard.press("Enter")
    page.wait_for_selector("#member-summary")
    assert page.inner_text("#market-points") == "1500"
    page.fill("#id_points", "1000")
    page.click("input[name=voucher]")
    # the confirmation: nothing written yet, the points and the voucher's value said first
    page.wait_for_selector("#confirm-summary")
    summary = page.inner_text("#confirm-summary")
    assert "60.00" in summary and "1000" in summary and "500" in summary  # 1,000 → 60.00, 500 left (R-RBT-2)
    assert not card.vouchers.exists()
    layout_check("member_voucher_confirmation", visible=("#confirm-summary", "#confirm-button"))
    page.click("#confirm-button")
    page.wait_for_selector(".messagelist .success")
    voucher = card.vouchers.get()
    assert voucher.value == Decimal("60.00") and voucher.points == 1000
    assert page.inner_text("#market-points") == "500"
    assert voucher.serial in page.inner_text(".messagelist .success")
    # the print button right after the issue opens the voucher's PDF
    assert page.is_visible("#voucher-print")
    response = page.request.get(f"{live_server.url}{page.get_attribute('#voucher-print', 'href')}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    layout_check("member_voucher_issued", visible=("#voucher-print", "#member-summary", "#member-360-q"))
