"""A clerk serving a queue scans three cards in a row: the box is empty and focused after each lookup,
so the scanner's number + Enter works customer after customer (the counter issue's first complaint)."""

import pytest

from tests.factories.members import CardFactory, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_scans_three_cards_in_a_row(page, live_server, login, screenshot, user_in_role):
    user_in_role("clerk", username="clerk_scan")
    cards = [CardFactory(member=MemberFactory(name=name, phone=phone)) for name, phone in
             (("王芳", "13800138001"), ("李娜", "13800138002"), ("张伟", "13800138003"))]
    login("clerk_scan")
    screenshot("clerk_home")
    # the first scan goes into the home's big box, the next ones into whatever box has the focus
    for card in cards:
        page.keyboard.type(card.card_number)
        page.keyboard.press("Enter")
        page.wait_for_selector("#member-summary")
        assert card.member.name in page.locator("#member-summary h2").inner_text()
        assert page.evaluate("document.activeElement.id") == "member-360-q"
        assert page.input_value("#member-360-q") == ""
    screenshot("member_360_after_three_scans")
    # the header box on any other page takes a scan too
    page.goto(f"{live_server.url}/receipts/receipt/")
    assert page.evaluate("document.activeElement.id") == "desk-scan-head"
    page.keyboard.type(cards[0].card_number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#member-summary")
    assert cards[0].member.name in page.content()
