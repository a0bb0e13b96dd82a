"""Admin pages: counter page, approval queue (bounded queries, one-click approve/reject), signing with 403 for
the wrong role, slip PDF, R-RET-9 monthly list, dashboard tile, policy admin."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from returns import services
from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


def logged(client, user):
    client.force_login(user)
    return client


def slip(receipt, user, reason="change_of_mind", **kw):
    return services.return_create(side=receipt.side, number=receipt.number, lines=[{"line_no": 1, "quantity": 1}],
                                  reason=reason, user=user, **kw)


def test_counter_page_lookup_and_create(client, clerk, make_receipt):
    receipt = make_receipt(lines=[("clothing", "199.00", 2)])
    url = reverse("admin:returns_returnrequest_counter")
    page = logged(client, clerk).get(url, {"side": "dept", "number": receipt.number})
    assert page.status_code == 200 and b"qty_1" in page.content and b"returns/quote/" in page.content
    response = client.post(url, {"side": "dept", "number": receipt.number, "qty_1": "2", "kind": "refund",
                                 "reason": "change_of_mind", "tags_intact": "on", "unused": "on", "sales_slip": "on"})
    rr = ReturnRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:returns_returnrequest_change", args=[rr.pk])
    assert rr.refund_amount == Decimal("398.00") and rr.created_by == clerk


def test_counter_page_shows_rule_refusal(client, clerk, make_receipt):
    receipt = make_receipt(days_ago=20, lines=[("clothing_summer", "99.00", 1)])
    response = logged(client, clerk).post(reverse("admin:returns_returnrequest_counter"), {
        "side": "dept", "number": receipt.number, "qty_1": "1", "kind": "refund", "reason": "change_of_mind",
        "tags_intact": "on", "unused": "on", "sales_slip": "on", "current_unit_price": "99.00"})
    assert response.status_code == 200 and b"R-RET-5" in response.content
    assert not ReturnRequest.objects.exists()


def test_counter_page_unknown_receipt_r_ret_1(client, clerk, policy):
    response = logged(client, clerk).get(reverse("admin:returns_returnrequest_counter"), {"side": "dept", "number": "X"})
    assert response.status_code == 200 and b"R-RET-1" in response.content


def test_queue_bounded_queries_and_only_what_i_may_approve(client, chain_users, make_receipt, user_in_role):
    sup = chain_users["dept_supervisor"]
    for _ in range(3):
        rr = slip(make_receipt(lines=[("clothing", "100.00", 1)]), chain_users["clerk"])
        services.return_sign(return_request=rr, step="counter_check", user=chain_users["counter_staff"])
    big = slip(make_receipt(lines=[("clothing", "900.00", 1)]), chain_users["clerk"])
    services.return_sign(return_request=big, step="counter_check", user=chain_users["counter_staff"])
    url = reverse("admin:returns_returnrequest_queue")
    logged(client, sup).get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert page.status_code == 200 and page.content.count(b"data-slip=") == 3  # not the over-limit one
    for _ in range(5):
        rr = slip(make_receipt(lines=[("clothing", "100.00", 1)]), chain_users["clerk"])
        services.return_sign(return_request=rr, step="counter_check", user=chain_users["counter_staff"])
    with CaptureQueriesContext(connection) as more:
        page = client.get(url)
    assert page.content.count(b"data-slip=") == 8
    assert len(more) == len(few)  # no N+1
    manager_page = logged(client, chain_users["ops_manager"]).get(url)
    assert manager_page.content.count(b"data-slip=") == 9


def test_queue_one_click_approve_and_reject(client, chain_users, make_receipt):
    a = slip(make_receipt(), chain_users["clerk"])
    b = slip(make_receipt(), chain_users["clerk"])
    for rr in (a, b):
        services.return_sign(return_request=rr, step="counter_check", user=chain_users["counter_staff"])
    c = logged(client, chain_users["dept_supervisor"])
    queue = reverse("admin:returns_returnrequest_queue")
    assert c.post(reverse("admin:returns_returnrequest_sign", args=[a.pk]), {"step": "approve", "next": queue}).url == queue
    assert c.post(reverse("admin:returns_returnrequest_reject", args=[b.pk]), {"reason": "吊牌已剪", "next": queue}).url == queue
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "awaiting_loss_prevention" and a.approved_by == chain_users["dept_supervisor"]
    assert b.status == "rejected" and b.reject_reason == "吊牌已剪"


def test_admin_wrong_role_and_creator_403(client, chain_users, make_receipt, user_in_role):
    rr = slip(make_receipt(), chain_users["clerk"])
    sign = reverse("admin:returns_returnrequest_sign", args=[rr.pk])
    assert logged(client, chain_users["clerk"]).post(sign, {"step": "counter_check"}).status_code == 403
    assert client.get(reverse("admin:returns_returnrequest_queue")).status_code == 403  # clerk: no approval queue
    services.return_sign(return_request=rr, step="counter_check", user=chain_users["counter_staff"])
    assert logged(client, chain_users["cashier"]).post(sign, {"step": "approve"}).status_code == 403
    manager = user_in_role("ops_manager")
    manager.groups.add(*chain_users["clerk"].groups.all())
    own = slip(make_receipt(), manager)
    services.return_sign(return_request=own, step="counter_check", user=chain_users["counter_staff"])
    own_sign = reverse("admin:returns_returnrequest_sign", args=[own.pk])
    assert logged(client, manager).post(own_sign, {"step": "approve"}).status_code == 403
    own.refresh_from_db()
    assert own.status == "awaiting_approval"


def test_admin_out_of_order_is_a_message_not_a_change(client, chain_users, make_receipt):
    rr = slip(make_receipt(), chain_users["clerk"])
    response = logged(client, chain_users["cashier"]).post(reverse("admin:returns_returnrequest_sign", args=[rr.pk]),
                                                           {"step": "refund"}, follow=True)
    assert response.status_code == 200 and b"R-RET-12" in response.content
    rr.refresh_from_db()
    assert rr.status == "awaiting_counter_check"


def test_change_page_offers_the_next_step_and_pdf(client, chain_users, make_receipt):
    rr = slip(make_receipt(), chain_users["clerk"])
    page = logged(client, chain_users["counter_staff"]).get(reverse("admin:returns_returnrequest_change", args=[rr.pk]))
    assert page.status_code == 200 and b'value="counter_check"' in page.content
    pdf = client.get(reverse("admin:returns_returnrequest_slip", args=[rr.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = logged(client, chain_users["cashier"]).get(reverse("admin:returns_returnrequest_change", args=[rr.pk]))
    assert b'name="sign"' not in page.content


def test_change_page_explains_in_the_readers_language(client, chain_users, make_receipt):
    """Issue 15: 说明 is rendered from the slip's findings in the reader's language (filled in on the
    Chinese site, read on the English one)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        rr = slip(make_receipt(), chain_users["clerk"])
    assert "无理由退货" in rr.explanation
    c = logged(client, chain_users["clerk"])
    url = reverse("admin:returns_returnrequest_change", args=[rr.pk])
    assert "无理由退货" in c.get(url).content.decode()
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "R-RET-5: Change of mind on day" in html and "无理由退货" not in html


def test_changelist_search_and_filters(client, chain_users, make_receipt):
    rr = slip(make_receipt(), chain_users["clerk"])
    c = logged(client, chain_users["clerk"])
    url = reverse("admin:returns_returnrequest_changelist")
    assert rr.number.encode() in c.get(url, {"q": rr.number}).content
    assert c.get(url, {"status__exact": "refunded"}).status_code == 200


def test_r_ret_9_monthly_list_by_responsible_party(client, chain_users, make_receipt):
    slip(make_receipt(lines=[("clothing", "300.00", 1)]), chain_users["clerk"], reason="staff_misleading",
         responsible_salesperson="张伟")
    slip(make_receipt(lines=[("clothing", "100.00", 1)]), chain_users["clerk"], reason="price_tag_misleading")
    slip(make_receipt(lines=[("clothing", "50.00", 1)]), chain_users["clerk"])  # change of mind: not listed
    page = logged(client, chain_users["ops_manager"]).get(reverse("admin:returns_returnrequest_responsibility"))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r["responsible_counter"], r["responsible_salesperson"], r["slips"]) for r in rows] == [
        ("C-2F-01", "", 1), ("C-2F-01", "张伟", 1)]


def test_dashboard_tile_shows_what_waits_for_my_role(client, chain_users, make_receipt):
    rr = slip(make_receipt(), chain_users["clerk"])
    page = logged(client, chain_users["counter_staff"]).get(reverse("admin:index"))
    tiles = {t.title: t for t in page.context["tiles"]}
    tile = tiles["Returns and exchanges"] if "Returns and exchanges" in tiles else next(
        t for t in page.context["tiles"] if t.order == 30)
    assert [(line.value) for line in tile.lines] == [1]
    services.return_sign(return_request=rr, step="counter_check", user=chain_users["counter_staff"])
    sup_tiles = logged(client, chain_users["dept_supervisor"]).get(reverse("admin:index")).context["tiles"]
    tile = next(t for t in sup_tiles if t.order == 30)
    assert [line.value for line in tile.lines] == [1]
    creator_tiles = logged(client, chain_users["clerk"]).get(reverse("admin:index")).context["tiles"]
    assert next(t for t in creator_tiles if t.order == 30).lines[-1].value == "+"


def _days(name, days):
    """The policy form's per-category boxes (one number box per category, in the till feed's order)."""
    from receipts.choices import Category

    return {f"{name}_{i}": days.get(code, "") for i, code in enumerate(Category.values)}


def test_policy_admin_edits_categories_by_name_not_json(client, user_in_role, policy):
    """Issue 15: the category rules are one day box per category and checkboxes (R-RET-3/5/6/7), labelled
    with the categories' names; the stored JSON keeps its shape."""
    url = reverse("admin:returns_returnpolicy_add")
    data = {"effective_from": "2027-01-01", **_days("change_of_mind_days", {"clothing": 10, "cosmetics": -1}),
            **_days("quality_days", {"toys": 15}), "excluded_categories": ["underwear", "fur"],
            "opened_excluded_categories": ["cosmetics"], "high_value_unit_price": "2000.00",
            "price_change_days": "15", "approval_threshold": "300.00", "point_cash_value_dept": "0.01",
            "point_cash_value_market": "0.04", "note": ""}
    c = logged(client, user_in_role("admin"))
    page = c.get(url).content.decode()
    assert "服装（春秋冬装）" in page and 'name="change_of_mind_days_0"' in page and "null" not in page
    bad = c.post(url, data)
    assert bad.status_code == 200 and "change_of_mind_days" in bad.context["adminform"].form.errors
    good = c.post(url, {**data, **_days("change_of_mind_days", {"clothing": 10})})
    assert good.status_code == 302
    from returns.models import ReturnPolicy

    saved = ReturnPolicy.objects.get(effective_from="2027-01-01")
    assert (saved.change_of_mind_days, saved.quality_days) == ({"clothing": 10}, {"toys": 15})
    assert (saved.excluded_categories, saved.opened_excluded_categories) == (["fur", "underwear"], ["cosmetics"])  # feed order
    # the stored version opens with its numbers in the boxes and its categories ticked
    page = c.get(reverse("admin:returns_returnpolicy_change", args=[saved.pk])).content.decode()
    from tests.crawl import JSON_BLOB, visible_text

    assert not [text for text in visible_text(page) if JSON_BLOB.search(text)]
    assert 'name="change_of_mind_days_1" value="10"' in page and re.search(r'value="fur"[^>]*checked', page)


def test_changelist_finds_slip_by_receipt_number(client, chain_users, make_receipt):
    receipt = make_receipt()
    rr = slip(receipt, chain_users["clerk"])
    slip(make_receipt(), chain_users["clerk"])
    page = logged(client, chain_users["clerk"]).get(reverse("admin:returns_returnrequest_changelist"),
                                                    {"q": receipt.number})
    assert list(page.context["cl"].result_list) == [rr]


def test_r_ret_12_the_cashier_confirms_the_amount_before_the_refund(client, chain_users, make_receipt):
    rr = slip(make_receipt(lines=[("clothing", "268.00", 1)]), chain_users["clerk"])
    for step, role in (("counter_check", "counter_staff"), ("approve", "dept_supervisor"),
                       ("loss_prevention", "loss_prevention")):
        services.return_sign(return_request=rr, step=step, user=chain_users[role])
    sign = reverse("admin:returns_returnrequest_sign", args=[rr.pk])
    ask = logged(client, chain_users["cashier"]).post(sign, {"step": "refund"})
    assert ask.status_code == 200 and "268.00" in ask.content.decode()
    rr.refresh_from_db()
    assert rr.status == "awaiting_refund"  # nothing paid before the confirmation
    client.post(sign, {"step": "refund", "confirm": "1"})
    rr.refresh_from_db()
    assert rr.status == "refunded"


def test_slip_page_shows_words_not_codes(client, chain_users, make_receipt):
    """The counter issue: sign buttons name the step, the condition and the event log are words, never JSON."""
    rr = slip(make_receipt(lines=[("clothing", "268.00", 1)]), chain_users["clerk"])
    client.force_login(chain_users["counter_staff"])
    with translation.override("zh-hans"):
        html = client.get(reverse("admin:returns_returnrequest_change", args=[rr.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
                          ).content.decode()
    assert "签字：柜组验货" in html
    assert "counter_check</button>" not in html and '{"tags_intact"' not in html and "[&quot;R-RET" not in html
    assert "微信" in html  # the refund method as its label, not `wechat`


def test_r_ret_1_a_supermarket_receipt_is_found_whatever_side_was_picked(client, chain_users, make_receipt):
    receipt = make_receipt(side="market", lines=[("grocery", "35.00", 1)])
    client.force_login(chain_users["clerk"])
    page = client.get(reverse("admin:returns_returnrequest_counter"), {"side": "dept", "number": receipt.number})
    assert page.status_code == 200 and "R-RET-1" not in page.content.decode()
    assert page.context["receipt"] == receipt
