"""R-RET-12 in the browser: the clerk fills the slip on the counter page (live explanation from the quote
endpoint), then four different people sign it, and the slip prints."""

import pytest

from returns.models import ReturnRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_ret_12_chain_in_the_browser_with_four_signers(page, live_server, login, logout, screenshot,  # noqa: F811
                                                         user_in_role, make_receipt):
    receipt = make_receipt(days_ago=2, lines=[("clothing", "268.00", 1)])
    user_in_role("clerk", username="desk_wang")
    user_in_role("counter_staff", username="counter_li")
    user_in_role("dept_supervisor", username="sup_zhao")
    user_in_role("loss_prevention", username="lp_sun")
    user_in_role("cashier", username="till_zhou")

    # the desk clerk finds the receipt and sees the rules' explanation live
    login("desk_wang")
    page.goto(f"{live_server.url}/returns/returnrequest/counter/?side=dept&number={receipt.number}")
    page.fill("#id_qty_1", "1")
    page.wait_for_function("document.getElementById('quote-verdict').textContent.includes('R-RET-5')")
    assert "R-RET-11" in page.inner_text("#quote-verdict")
    assert "R-RET-5" in page.inner_text("#quote-lines")
    screenshot("return_counter_page")
    page.click("input[name=create]")
    page.wait_for_selector(".messagelist .success")
    rr = ReturnRequest.objects.get()
    change = f"{live_server.url}/returns/returnrequest/{rr.pk}/change/"
    logout()

    for username, step in (("counter_li", "counter_check"), ("lp_sun", "loss_prevention"), ("till_zhou", "refund")):
        if step == "loss_prevention":  # the supervisor approves from the queue first, one click
            login("sup_zhao")
            page.goto(f"{live_server.url}/returns/returnrequest/queue/")
            page.click(f"article[data-slip='{rr.number}'] button[name=approve]")
            page.wait_for_selector(".messagelist .success")
            logout()
        login(username)
        page.goto(change)
        page.click(f"#return-sign input[value={step}] + button")
        if step == "refund":  # the cashier sees the money before paying it out, then confirms
            page.wait_for_selector("#confirm-summary")
            assert "268.00" in page.inner_text("#confirm-summary")  # the goods refund, said before it is paid
            screenshot("return_refund_confirmation")
            page.click("#confirm-button")
        page.wait_for_selector(".messagelist .success")
        logout()

    rr.refresh_from_db()
    assert rr.status == "refunded"
    assert [u.username for _label, u, _at in rr.signatures()] == ["desk_wang", "counter_li", "sup_zhao", "lp_sun",
                                                                  "till_zhou"]
    login("till_zhou")
    response = page.request.get(f"{live_server.url}/returns/returnrequest/{rr.pk}/slip.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
