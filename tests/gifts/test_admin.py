"""Counter pages of gifts/ (scan first, an answer to read aloud), roles on the server, the receipt page's
gifts, the Member 360 birthday panel, PDFs and the finance export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from gifts import exports, services
from gifts.models import GiftIssue, GiftStockEntry, Stocktake
from tests.factories.gifts import GiftItemFactory

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


PAGES = ["admin:gifts_giftissue_counter", "admin:gifts_giftissue_birthday", "admin:gifts_giftdelivery_receive",
         "admin:gifts_stocktake_count"]
LISTS = ["admin:gifts_giftitem_changelist", "admin:gifts_giftcampaign_changelist", "admin:gifts_giftissue_changelist",
         "admin:gifts_giftstockentry_changelist", "admin:gifts_stocktake_changelist", "admin:gifts_giftvoucher_changelist",
         "admin:gifts_giftdelivery_changelist", "admin:gifts_giftstockentry_export"]


@pytest.mark.parametrize("name", PAGES + LISTS)
def test_pages_by_role(client, user_in_role, name, umbrella):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous → login
    assert logged_in(client, user_in_role("cashier")).get(url).status_code == 403
    assert logged_in(client, user_in_role("clerk")).get(url).status_code == 200


def test_lists_search_and_filter(client, clerk, campaign, make_receipt):
    receipt = make_receipt()
    services.gift_issue_for_receipt(campaign=campaign.code, side="dept", number=receipt.number, user=clerk)
    c = logged_in(client, clerk)
    assert receipt.number in c.get(reverse("admin:gifts_giftissue_changelist"), {"q": receipt.number}).content.decode()
    assert c.get(reverse("admin:gifts_giftstockentry_changelist"), {"kind__exact": "issue"}).status_code == 200
    assert "C-2026-12" in c.get(reverse("admin:gifts_giftcampaign_changelist"), {"q": "C-2026-12"}).content.decode()
    assert c.get(reverse("admin:gifts_giftitem_changelist"), {"q": "折叠伞"}).status_code == 200


def test_issue_page_reads_the_qualification_reason_as_words(client, clerk, campaign, make_receipt):
    """Issue 15: the stored reason code (`qualifies`) shows its label, in either language."""
    receipt = make_receipt()
    issue = services.gift_issue_for_receipt(campaign=campaign.code, side="dept", number=receipt.number, user=clerk)
    url = reverse("admin:gifts_giftissue_change", args=[issue.pk])
    html = logged_in(client, clerk).get(url).content.decode()
    assert "原因: 符合条件" in html and "qualifies" not in html
    client.cookies["django_language"] = "en"
    assert "reason: Qualifies" in client.get(url).content.decode()


def test_r_gift_3_counter_scan_shows_why_and_issues(client, clerk, campaign, make_receipt):
    c = logged_in(client, clerk)
    url = reverse("admin:gifts_giftissue_counter")
    short = make_receipt(lines=[("clothing", "450.00", 1), ("cosmetics", "300.00", 1)])
    page = c.get(url, {"side": "dept", "code": short.number}).content.decode()
    assert "Does not qualify" in page or "不符合" in page
    assert "50.00" in page  # how much more would qualify
    good = make_receipt()
    page = c.get(url, {"side": "dept", "code": good.number}).content.decode()
    assert 'name="campaign" value="C-2026-12"' in page
    response = c.post(url, {"campaign": "C-2026-12", "side": "dept", "number": good.number}, follow=True)
    assert response.status_code == 200 and GiftIssue.objects.filter(receipt=good).count() == 1
    again = c.post(url, {"campaign": "C-2026-12", "side": "dept", "number": good.number}, follow=True)
    assert "R-GIFT-3" in again.content.decode() and GiftIssue.objects.filter(receipt=good).count() == 1
    missing = c.get(url, {"side": "dept", "code": "NOPE"})
    assert missing.status_code == 200


def test_counter_issues_against_a_voucher(client, clerk, supervisor, campaign):
    serial = services.gift_vouchers_print(campaign=campaign, count=1, user=supervisor).first_serial
    c = logged_in(client, clerk)
    url = reverse("admin:gifts_giftissue_counter")
    assert serial in c.get(url, {"side": "dept", "code": serial}).content.decode()
    c.post(url, {"campaign": campaign.code, "voucher_serial": serial})
    assert GiftIssue.objects.get().voucher.status == "collected"


def test_receive_page_and_delivery_note_pdf(client, clerk, umbrella):
    c = logged_in(client, clerk)
    response = c.post(reverse("admin:gifts_giftdelivery_receive"), {"item": "G-UMB-01", "quantity": 20,
                                                                     "note_number": "PS-0100", "delivered_by": "服装部"})
    assert response.status_code == 200 and "120" in response.content.decode()
    delivery = GiftStockEntry.objects.get(kind="receive", reference="PS-0100").delivery
    pdf = c.get(reverse("admin:gifts_giftdelivery_note", args=[delivery.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_receipt_page_shows_its_gifts(client, supervisor, clerk, campaign, make_receipt):
    receipt = make_receipt()
    services.gift_issue_for_receipt(campaign=campaign.code, side="dept", number=receipt.number, user=clerk)
    page = logged_in(client, supervisor).get(reverse("admin:receipts_receipt_change", args=[receipt.pk]))
    assert page.status_code == 200 and "C-2026-12" in page.content.decode() and "折叠伞" in page.content.decode()


@pytest.fixture
def birthday_card(db):
    from tests.factories.members import CardFactory, MemberFactory

    return CardFactory(member=MemberFactory(name="李娜", birthday=timezone.localdate().replace(year=1985)))


def test_r_gift_5_member_360_offers_the_birthday_gift_when_due(client, clerk, umbrella, birthday_card):
    c = logged_in(client, clerk)
    page = c.get(reverse("admin:members_card_360"), {"card": birthday_card.card_number}).content.decode()
    assert 'id="birthday-gift"' in page and reverse("admin:gifts_giftissue_birthday") in page
    response = c.post(reverse("admin:gifts_giftissue_birthday"), {
        "card_number": birthday_card.card_number, "id_number": birthday_card.member.id_number, "item": "G-UMB-01"})
    assert response.status_code == 200
    issue = GiftIssue.objects.get(kind="birthday")
    assert issue.member == birthday_card.member
    page = c.get(reverse("admin:members_card_360"), {"card": birthday_card.card_number}).content.decode()
    assert reverse("admin:gifts_giftissue_form", args=[issue.pk]) in page  # collected: the form, no offer
    assert c.get(reverse("admin:gifts_giftissue_form", args=[issue.pk])).content.startswith(b"%PDF")


def test_member_360_has_no_panel_when_not_due(client, clerk, umbrella):
    from tests.factories.members import CardFactory, MemberFactory

    card = CardFactory(member=MemberFactory(birthday=(timezone.localdate() + timezone.timedelta(days=40))))
    page = logged_in(client, clerk).get(reverse("admin:members_card_360"), {"card": card.card_number}).content.decode()
    assert 'id="birthday-gift"' not in page


def test_r_gift_7_count_page_and_supervisor_explains_on_the_stocktake_page(client, clerk, supervisor, umbrella):
    c = logged_in(client, clerk)
    page = c.post(reverse("admin:gifts_stocktake_count"), {"item": "G-UMB-01", "counted": 98, "period": "daily"})
    assert "-2" in page.content.decode()
    take = Stocktake.objects.get()
    explain = reverse("admin:gifts_stocktake_explain", args=[take.pk])
    assert c.post(explain, {"explanation": "x"}).status_code == 403  # a clerk cannot explain
    s = logged_in(client, supervisor)
    assert 'id="stocktake-explain"' in s.get(reverse("admin:gifts_stocktake_change", args=[take.pk])).content.decode()
    s.post(explain, {"explanation": "两把伞借出未登记"})
    take.refresh_from_db()
    assert take.status == "explained" and GiftStockEntry.objects.get(kind="adjust").quantity == -2


def test_r_gift_6_close_button_and_list_pdf(client, clerk, supervisor, campaign):
    url = reverse("admin:gifts_giftcampaign_close", args=[campaign.pk])
    assert logged_in(client, clerk).post(url).status_code == 403
    s = logged_in(client, supervisor)
    assert 'id="campaign-close"' in s.get(reverse("admin:gifts_giftcampaign_change", args=[campaign.pk])).content.decode()
    s.post(url)
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    assert s.get(reverse("admin:gifts_giftcampaign_close_list", args=[campaign.pk])).content.startswith(b"%PDF")


def test_vouchers_page_and_sheet_pdf(client, clerk, supervisor, campaign):
    url = reverse("admin:gifts_giftcampaign_vouchers", args=[campaign.pk])
    assert logged_in(client, clerk).get(url).status_code == 403
    s = logged_in(client, supervisor)
    s.post(url, {"count": 7})
    batch = campaign.voucher_batches.get()
    assert batch.count == 7 and batch.vouchers.count() == 7
    assert s.get(reverse("admin:gifts_giftcampaign_sheet", args=[batch.pk])).content.startswith(b"%PDF")


def test_r_fin_1_month_export_csv_and_xlsx_same_shape(client, user_in_role, clerk, campaign, make_receipt):
    services.gift_issue_for_receipt(campaign=campaign.code, side="dept", number=make_receipt().number, user=clerk)
    month = timezone.localdate().strftime("%Y-%m")
    rows = list(csv.reader(io.StringIO(exports.ledger_csv_bytes(month=month).decode())))
    assert rows[0] == exports.COLUMNS
    assert [(r[2], r[4], r[5], r[7]) for r in rows[1:]] == [("G-UMB-01", "receive", "100", "100"),
                                                           ("G-UMB-01", "issue", "-1", "99")]
    finance = logged_in(client, user_in_role("finance"))
    url = reverse("admin:gifts_giftstockentry_export")
    response = finance.get(url, {"month": month, "format": "csv"})
    assert response.streaming and b"".join(response.streaming_content).decode().startswith("id,at,item_code")
    xlsx = finance.get(url, {"month": month, "format": "xlsx"})
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert finance.get(url, {"month": "2026-13", "format": "csv"}).status_code == 200  # the form says why


def test_demo_loads_two_campaigns_and_is_idempotent():
    from io import StringIO

    from gifts import demo
    from gifts.models import GiftCampaign
    from servicedesk import demo as desk_demo

    desk_demo.load(stdout=StringIO())
    demo.load(stdout=StringIO())
    demo.load(stdout=StringIO())
    assert GiftCampaign.objects.count() == 2 and GiftItemFactory._meta.model.objects.count() == 2
    assert Stocktake.objects.filter(status="needs_explanation").count() == 1


def test_campaign_admin_form_checks_the_department_and_categories(client, supervisor, umbrella):
    from complaints.models import Department

    Department.objects.create(code="clothing", name="服装部")
    url = reverse("admin:gifts_giftcampaign_add")
    data = {"code": "C-ADM-1", "name": "满500送伞", "starts_on": "2026-12-01", "ends_on": "2026-12-31", "side": "dept",
            "categories": ["clothing"], "min_spend": "500.00", "gift_item": umbrella.pk, "quantity": 1,
            "owner_department": "nobody"}
    for prefix in ("voucher_batches", "events"):  # the read-only inlines' management forms
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    c = logged_in(client, supervisor)
    assert c.post(url, data).status_code == 200  # the form names the field
    assert c.post(url, {**data, "owner_department": "clothing", "categories": ["spaceships"]}).status_code == 200
    # issue 15: categories are ticked by name and the department chosen by name, never typed as codes / JSON
    page = c.get(url).content.decode()
    assert 'type="checkbox" name="categories" value="clothing"' in page and '<option value="clothing">服装部</option>' in page
    done = c.post(url, {**data, "owner_department": "clothing"})
    assert done.status_code == 302, done.context["adminform"].form.errors if done.context else done
    from gifts.models import GiftCampaign

    campaign = GiftCampaign.objects.get(code="C-ADM-1")
    assert (campaign.owner_department, campaign.categories) == ("clothing", ["clothing"])
    listed = c.get(reverse("admin:gifts_giftcampaign_changelist")).content.decode()
    assert '<td class="field-owner">服装部</td>' in listed


def test_counter_scan_is_bounded_whatever_the_campaigns_and_lines(client, clerk, umbrella, make_receipt,
                                                                  django_assert_max_num_queries):
    from tests.factories.gifts import GiftCampaignFactory

    for _ in range(6):
        GiftCampaignFactory(gift_item=umbrella)
    receipt = make_receipt(lines=[("clothing", "100.00", 1)] * 40)
    c = logged_in(client, clerk)
    url = reverse("admin:gifts_giftissue_counter")
    c.get(url, {"side": "dept", "code": receipt.number})  # warm the permission cache
    with django_assert_max_num_queries(20):
        page = c.get(url, {"side": "dept", "code": receipt.number})
    assert page.content.decode().count('class="desk-card gift-campaign"') == 6


def test_a_past_version_names_its_owning_department(db):
    """Issue 15: the history page's old campaign (not loaded through the admin's queryset) shows 服装部, not
    the department's code."""
    from django.contrib import admin

    from gifts.models import GiftCampaign
    from tests.factories.complaints import DepartmentFactory
    from tests.factories.gifts import GiftCampaignFactory

    DepartmentFactory(code="clothing", name="服装部")
    campaign = GiftCampaignFactory(owner_department="clothing")
    old = campaign.history.first().instance
    assert admin.site.get_model_admin(GiftCampaign).owner(old) == "服装部"
