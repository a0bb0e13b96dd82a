"""A clerk serving a queue scans three cards in a row: the box is empty and focused after each lookup,
so the scanner's number + Enter works customer after customer (the counter issue's first complaint).
From a plain desk page the scan is a quick open (desk.js): one fetch, the page's main part swapped in, the
document kept — with the card's address, Back, reload and the language switch as after a page load."""

import pytest

from tests.factories.members import CardFactory, MemberFactory
from tests.factories.receipts import ReceiptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_scans_three_cards_in_a_row(page, live_server, login, screenshot, user_in_role):
    user_in_role("clerk", username="clerk_scan")
    cards = [CardFactory(member=MemberFactory(name=name, phone=phone)) for name, phone in
             (("王芳", "13800138001"), ("李娜", "13800138002"), ("张伟", "13800138003"))]
    login("clerk_scan")
    screenshot("clerk_home")
    # the first scan goes into the home's big box, the next ones into whatever box has the focus
    for i, card in enumerate(cards):
        page.evaluate("document.body.dataset.before = '1'")  # so the wait below is for the new page
        page.evaluate("window.deskSameDocument = true")
        page.keyboard.type(card.card_number)
        page.keyboard.press("Enter")
        page.wait_for_selector("body:not([data-before]) #member-summary")
        assert card.member.name in page.locator("#member-summary h2").inner_text()
        # the first scan (the home's box) is answered with the card's page itself, its address in the address
        # bar; the next go into Member 360's own box (?q=)
        assert page.url.startswith(f"{live_server.url}/members/card/360/?") and page.url.endswith(card.card_number)
        assert page.evaluate("document.activeElement.id") == "member-360-q"
        assert page.input_value("#member-360-q") == ""
        # from Member 360 (a plain desk page) the scan is a quick open: the same document, its main part new
        assert page.evaluate("window.deskSameDocument === true") == (i > 0)
        assert page.title().startswith(page.locator("#content h1").inner_text())
        assert page.input_value(".desk-language input[name=next]").endswith(f"?card={card.card_number}")
        assert page.get_attribute("body", "aria-busy") is None
    screenshot("member_360_after_three_scans")
    page.go_back()  # Back shows the card before, loaded afresh from its address
    page.wait_for_selector(f"#member-summary h2:has-text('{cards[1].card_number}')")
    assert page.url.endswith(f"?card={cards[1].card_number}")
    page.go_forward()
    page.wait_for_selector(f"#member-summary h2:has-text('{cards[2].card_number}')")
    page.reload()  # a reload opens the card again, not the scan
    assert cards[-1].member.name in page.locator("#member-summary h2").inner_text()
    # a scan no record answers: the find page, swapped in the same way
    page.evaluate("window.deskSameDocument = true")
    page.fill("#desk-scan-head", "99999999")
    page.press("#desk-scan-head", "Enter")
    page.wait_for_selector("#content h1:has-text('查找')")
    assert page.evaluate("window.deskSameDocument === true")
    assert "/find/?q=99999999" in page.url and page.locator("#member-summary").count() == 0
    screenshot("scan_not_found")
    # a scan whose answer is not a plain desk page (a receipt's admin page, with its own scripts) is opened
    # the ordinary way
    receipt = ReceiptFactory(number="D20261203-000042")
    page.goto(f"{live_server.url}/members/card/360/?card={cards[0].card_number}")
    page.evaluate("window.deskSameDocument = true")
    page.fill("#desk-scan-head", receipt.number)
    page.press("#desk-scan-head", "Enter")
    page.wait_for_url(f"{live_server.url}/receipts/receipt/{receipt.pk}/change/")
    page.wait_for_selector("#receipt_form")
    assert page.evaluate("window.deskSameDocument === undefined")
    # the header box on any other page takes a scan too
    page.goto(f"{live_server.url}/receipts/receipt/")
    assert page.evaluate("document.activeElement.id") == "desk-scan-head"
    page.keyboard.type(cards[0].card_number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#member-summary")
    assert cards[0].member.name in page.content()
    assert page.url == f"{live_server.url}/members/card/360/?card={cards[0].card_number}"
    # the session ended while the page was open: the scan leads to the login page, not into the old page
    page.goto(f"{live_server.url}/members/card/360/?card={cards[0].card_number}")
    page.context.clear_cookies()
    page.fill("#desk-scan-head", cards[1].card_number)
    page.press("#desk-scan-head", "Enter")
    page.wait_for_selector("#id_username")
    assert "/login/" in page.url and page.locator("#member-summary").count() == 0
