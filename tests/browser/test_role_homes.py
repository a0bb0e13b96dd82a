"""The home of every demo role (issue 15, items 2, 5, 7): each demo user logs in with the demo password and
lands on a desk home that shows its own queues and tasks first (the admin's list of lists is behind one
link), every link on it opens (no 403, no 5xx), the page has no horizontal scroll at 1366 and 1024 wide,
and phone numbers are masked for everyone but the desk supervisor and the administrator (R-VIP-7)."""

import pytest
from django.core.management import call_command

from servicedesk.demo import demo_users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each role must see on its home (a link into its own queue or task), language-independent by URL.
FIRST_THINGS = {
    "clerk": ("/members/card/enrol/", "/members/card/360/", "/complaints/complaint/intake/",
              "/returns/returnrequest/counter/"),
    "desk_supervisor": ("/members/card/enrol/", "/complaints/complaint/"),
    "dept_supervisor": ("/returns/returnrequest/queue/",),
    "ops_manager": ("/returns/returnrequest/queue/",),
    "counter_staff": ("status__exact=awaiting_counter_check",),
    "loss_prevention": ("status__exact=awaiting_loss_prevention",),
    "cashier": ("status__exact=awaiting_refund",),
    "finance": ("/finance/",),
    "announcer": ("/broadcast/urgentinsert/booth/",),
    "admin": ("/members/card/enrol/",),
}
# Who sees full phone numbers (R-VIP-7): the rest see 138****8000.
UNMASKED = {"desk_supervisor", "admin"}


def test_every_demo_role_lands_on_its_own_home(page, live_server, layout_check, logout):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = [(u, role, pw) for u, role, pw in demo_users() if role != "pos" and u == role]
    assert {role for _u, role, _pw in users} == set(FIRST_THINGS)
    for username, role, password in users:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        # the desk home, not the admin's app list: tasks and tiles, then one link to all lists
        assert page.locator(".desk-home").count() == 1, role
        assert page.locator("#content-main .app-list, #content-main .module caption").count() == 0, role
        hrefs = page.eval_on_selector_all(".desk-home a[href]", "els => els.map(e => e.getAttribute('href'))")
        for wanted in FIRST_THINGS[role]:
            assert any(wanted in h for h in hrefs), (role, wanted, hrefs)
        # the queues come before the link to everything else
        assert hrefs[-1] == "?all=1", (role, hrefs[-1])
        # every link on the home opens for this role (links only to pages the user may open)
        for href in sorted(set(hrefs) - {"?all=1"}):
            response = page.request.get(f"{live_server.url}{href}" if href.startswith("/") else
                                        f"{live_server.url}/{href}")
            assert response.status == 200 and "/login/" not in response.url, (role, href, response.status)
        visible = (".desk-home", "#desk-scan-big", ".desk-task") if role == "clerk" else (".desk-home",)
        if page.locator("#desk-scan-head").count():
            visible += ("#desk-scan-head",)
        layout_check(f"home_{role}", visible=visible, phones_masked=role not in UNMASKED)
        # the list of all lists is one click away and opens too
        page.click("#desk-all-lists")
        page.wait_for_selector(".app-list, #content-main .module")
        assert no_scroll(page), role
        logout()


def no_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
