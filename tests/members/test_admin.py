"""Admin counter pages of members/: Member 360 (bounded queries), enrolment, PDFs, exports, receipt admin."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members import exports
from members.models import Card, PointsEntry, ReceiptPoints, UnmaskedAccessLog
from receipts.models import Receipt
from receipts.services import receipt_ingest
from tests.factories.members import CardFactory, MemberFactory, card_with_balance
from tests.factories.receipts import ReceiptFactory

D = Decimal


def logged_in(client, user):
    client.force_login(user)
    return client


def test_member_360_finds_by_card_phone_name_in_bounded_queries(client, supervisor, django_assert_max_num_queries):
    card = card_with_balance(dept=1500, market=300, stored=D("70.00"), member=MemberFactory(name="李娜", phone="13912345678"))
    for i in range(30):
        ReceiptFactory(card_number=card.card_number, total=D("10.00"), number=f"D-{i}")
    for _ in range(40):
        from members.services import _ledger_move

        _ledger_move(card_id=card.pk, wallet="dept", kind="adjust", delta=1, refuse_code="x", reason="t")
    c = logged_in(client, supervisor)
    url = reverse("admin:members_card_360")
    c.get(url, {"q": card.card_number})  # warm the permission cache
    with django_assert_max_num_queries(20):
        r = c.get(url, {"q": card.card_number})
    assert r.status_code == 200
    html = r.content.decode()
    assert "李娜" in html and "1540" in html and "70.00" in html
    assert "13912345678" in html  # the desk supervisor may see it unmasked (R-VIP-7), and it is logged
    assert UnmaskedAccessLog.objects.filter(user=supervisor, member=card.member).exists()
    assert c.get(url, {"q": "13912345678"}).context["card"] == card
    assert c.get(url, {"q": "李娜"}).context["card"] == card
    assert c.get(url, {"q": "李"}).context["card"] == card  # name prefix after exact matches


def test_member_360_voucher_action_asks_first_with_the_value(client, clerk):
    card = card_with_balance(market=1000)
    c = logged_in(client, clerk)
    url = reverse("admin:members_card_360_action", args=[card.card_number, "voucher"])
    ask = c.post(url, {"points": 1000})
    html = ask.content.decode()
    assert ask.status_code == 200 and 'id="confirm-summary"' in html
    assert "60.00" in html and "1000" in html  # R-RBT-2: 1,000 points → a 60.00 voucher, said before it happens
    assert Card.objects.get(pk=card.pk).market_points == 1000 and not card.vouchers.exists()  # nothing written yet
    r = c.post(url, {"points": 1000, "confirm": "1"})
    assert r.status_code == 302
    assert Card.objects.get(pk=card.pk).market_points == 0
    voucher = card.vouchers.get()
    assert voucher.value == D("60.00")
    pdf = c.get(reverse("admin:members_voucher_pdf", args=[voucher.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_member_360_adjust_forbidden_for_clerk(client, clerk):
    card = CardFactory()
    c = logged_in(client, clerk)
    r = c.post(reverse("admin:members_card_360_action", args=[card.card_number, "adjust"]),
               {"wallet": "dept", "points": 10, "amount": "0", "reason": "x"})
    assert r.status_code == 403
    assert not PointsEntry.objects.exists()


def test_enrolment_page_live_check_and_application_pdf(client, clerk, card_stock):
    r1 = ReceiptFactory(total=D("500.00"), number="D20261123-000001")
    ReceiptFactory(side="market", total=D("350.00"), number="M20261123-000002")
    c = logged_in(client, clerk)
    check = c.get(reverse("admin:members_card_enrol_check"),
                  {"receipts": "D20261123-000001\nM20261123-000002", "kind": "daily_spend"}).json()
    assert check["total"] == "850.00" and check["tier"] == "gold" and check["ok"] is True
    assert check["tier_label"] == "金卡"  # the page shows the label, not `gold` (issue 15; the client reads zh-hans)
    assert c.get(reverse("admin:members_card_enrol")).status_code == 200
    r = c.post(reverse("admin:members_card_enrol"), {
        "kind": "daily_spend", "receipts": "D20261123-000001\nM20261123-000002", "tier": "gold", "name": "张伟",
        "phone": "13800138000", "address": "上海市黄浦区南京东路1号", "id_type": "id_card", "id_number": "11010519491231002X",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    card = Card.objects.get()
    assert card.qualifications.filter(receipt=r1).exists()
    pdf = c.get(reverse("admin:members_card_application_pdf", args=[card.card_number]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_enrolment_page_shows_rule_error(client, clerk, card_stock):
    ReceiptFactory(total=D("100.00"), number="D1")
    c = logged_in(client, clerk)
    r = c.post(reverse("admin:members_card_enrol"), {
        "kind": "daily_spend", "receipts": "D1", "tier": "gold", "name": "张伟", "phone": "13800138000",
        "address": "上海", "id_type": "id_card", "id_number": "11010519491231002X"})
    assert r.status_code == 200 and "R-VIP-1" in r.content.decode()


def test_receipt_admin_shows_points_explanation(client, supervisor):
    card = CardFactory(member=MemberFactory(birthday=None))
    receipt_ingest(data={"side": "dept", "number": "D9", "rung_at": timezone.now(), "card_number": card.card_number,
                         "payment_method": "cash", "total": D("1000.00"),
                         "lines": [{"line_no": 1, "sku": "1", "description": "", "counter": "C-1F-01", "category": "jewellery",
                                    "list_price": D("1000.00"), "unit_price": D("1000.00"), "quantity": 1,
                                    "bulk_discount": False, "fresh": False}]})
    c = logged_in(client, supervisor)
    r = c.get(reverse("admin:receipts_receipt_change", args=[Receipt.objects.get().pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "R-PTS-1" in html and "1000.00 ÷ 8 × 1 = 125" in html
    assert "<td>按品类</td>" in html and "<td>category</td>" not in html  # the basis in words (issue 15)


def _row(number, when, card, total, line_no, desc, price, qty=1):
    return ["dept", number, when, card, "cash", total, line_no, str(line_no), desc, "C-2F-07", "clothing", price, price, qty,
            "", ""]


def _export_csv(rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["side", "number", "rung_at", "card_number", "payment_method", "total", "line_no", "sku", "description",
                "counter", "category", "list_price", "unit_price", "quantity", "bulk_discount", "fresh"])
    w.writerows(rows)
    return buf.getvalue().encode()


def test_r_pts_4_till_export_import_dry_run_then_import(client, supervisor):
    card = CardFactory(member=MemberFactory(birthday=None))
    now = timezone.localtime()
    yesterday = (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    today = now.strftime("%Y-%m-%d %H:%M:%S")
    data = _export_csv([
        _row("D-OLD", yesterday, card.card_number, "300.00", 1, "衬衫", "300.00"),
        _row("D-NEW", today, card.card_number, "250.00", 1, "衬衫", "200.00"),
        _row("D-NEW", today, card.card_number, "250.00", 2, "袜子", "50.00"),
        _row("D-BAD", today, "", "999.00", 1, "鞋", "10.00"),
    ])
    c = logged_in(client, supervisor)
    url = reverse("admin:receipts_receipt_import")
    r = c.post(url, {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("till.csv", data, "text/csv")})
    assert r.status_code == 200
    html = r.content.decode()
    assert "D-BAD: " in html  # the row error names the receipt (its sentence is translated)
    assert not Receipt.objects.exists()  # dry run leaves nothing


def test_import_without_errors_stores_and_credits_only_today(supervisor):
    import tablib

    from receipts.resources import TillExportResource

    card = CardFactory(member=MemberFactory(birthday=None))
    now = timezone.localtime()
    yesterday = (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    today = now.strftime("%Y-%m-%d %H:%M:%S")
    ds = tablib.Dataset().load(_export_csv([
        _row("D-OLD", yesterday, card.card_number, "300.00", 1, "衬衫", "300.00"),
        _row("D-NEW", today, card.card_number, "250.00", 1, "衬衫", "200.00"),
        _row("D-NEW", today, card.card_number, "250.00", 2, "袜子", "50.00"),
    ]).decode(), format="csv")
    result = TillExportResource().import_data(ds, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Receipt.objects.filter(source="import").count() == 2
    assert Receipt.objects.get(number="D-NEW").lines.count() == 2
    assert ReceiptPoints.objects.get(receipt__number="D-OLD").points == 0  # R-PTS-4: not rung today
    assert ReceiptPoints.objects.get(receipt__number="D-NEW").points == 250
    assert Card.objects.get(pk=card.pk).dept_points == 250
    again = TillExportResource().import_data(ds, dry_run=False)  # importing the same file again adds nothing
    assert not again.has_errors() and Receipt.objects.count() == 2 and Card.objects.get(pk=card.pk).dept_points == 250


def test_finance_exports_stream_csv_and_xlsx(client, user_in_role):
    card = card_with_balance(dept=100, stored=D("12.34"))
    month = timezone.localdate().strftime("%Y-%m")
    rows = list(csv.reader(io.StringIO(exports.ledger_csv_bytes(month=month, wallets=exports.POINT_WALLETS).decode())))
    assert rows[0] == exports.COLUMNS and len(rows) == 2 and rows[1][2] == card.card_number
    c = logged_in(client, user_in_role("finance"))
    url = reverse("admin:members_pointsentry_export")
    r = c.get(url, {"month": month, "ledger": "stored_value", "format": "csv"})
    body = b"".join(r.streaming_content).decode()
    assert r.status_code == 200 and "12.34" in body and "dept" not in body.split("\n", 1)[1]
    r = c.get(url, {"month": month, "ledger": "points", "format": "xlsx"})
    assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"PK"


@pytest.mark.parametrize("name", ["memberpolicy", "promotionrule", "member", "card", "pointsentry", "voucher",
                                  "cardreplacement", "unmaskedaccesslog", "rebaterun", "cardstock", "cardstockentry",
                                  "smsoutbox", "birthdaymailing"])
def test_changelists_render(client, user_in_role, name):
    card_with_balance(dept=10)
    c = logged_in(client, user_in_role("admin"))
    r = c.get(reverse(f"admin:members_{name}_changelist"), {"q": "1"})
    assert r.status_code == 200


def test_policy_in_force_is_read_only_and_copied_into_a_new_version(client, supervisor):
    from members.models import CategoryRate, MemberPolicy

    policy = MemberPolicy.objects.get()
    c = logged_in(client, supervisor)
    change_url = reverse("admin:members_memberpolicy_change", args=[policy.pk])
    r = c.post(change_url, {"note": "改"})
    assert MemberPolicy.objects.get().note != "改"
    assert r.status_code in (200, 403)
    changelist = reverse("admin:members_memberpolicy_changelist")
    for _ in range(2):  # the second copy is refused with a message, not a 500
        assert c.post(changelist, {"action": "copy_as_new_version", "_selected_action": [policy.pk]}).status_code == 302
    new = MemberPolicy.objects.exclude(pk=policy.pk).get()
    assert new.effective_from > timezone.now()
    assert CategoryRate.objects.filter(policy=new).count() == CategoryRate.objects.filter(policy=policy).count()
    assert c.get(reverse("admin:members_memberpolicy_change", args=[new.pk])).context["has_change_permission"] is True


def test_r_vip_2_live_check_lets_a_group_purchase_receipt_qualify_its_next_card(client, clerk, card_stock):
    """The live check applies the service's own reuse rule: a group purchase (R-VIP-2) qualifies several cards."""
    from members.choices import QualificationKind
    from members.models import QualificationUse

    receipt = ReceiptFactory(total=D("20000.00"), number="D20261123-000009")
    card = CardFactory()
    QualificationUse.objects.create(receipt=receipt, card=card, kind=QualificationKind.GROUP_PURCHASE)
    c = logged_in(client, clerk)
    group = c.get(reverse("admin:members_card_enrol_check"), {"receipts": receipt.number, "kind": "group_purchase"}).json()
    daily = c.get(reverse("admin:members_card_enrol_check"), {"receipts": receipt.number, "kind": "daily_spend"}).json()
    assert group["used"] == [] and daily["used"] == [receipt.number] and daily["ok"] is False


def test_r_card_1_lost_card_block_asks_first_with_the_fee(client, clerk, card_stock):
    card = card_with_balance(dept=120, member=MemberFactory(id_number="11010519491231002X"))
    c = logged_in(client, clerk)
    url = reverse("admin:members_card_360_action", args=[card.card_number, "replace"])
    ask = c.post(url, {"reason": "lost", "id_number": "11010519491231002X"})
    assert ask.status_code == 200 and "5.00" in ask.content.decode() and "120" in ask.content.decode()
    assert Card.objects.get(pk=card.pk).status == "active"
    c.post(url, {"reason": "lost", "id_number": "11010519491231002X", "confirm": "1"})
    assert Card.objects.get(pk=card.pk).status == "blocked"


def test_r_card_1_a_blocked_card_leads_to_its_replacement(client, clerk, card_stock):
    from members import services

    card = card_with_balance(dept=120, member=MemberFactory(id_number="11010519491231002X"))
    new = services.card_replace(card=card, reason="lost", id_number="11010519491231002X", user=clerk).new_card
    c = logged_in(client, clerk)
    html = c.get(reverse("admin:members_card_360"), {"card": card.card_number}).content.decode()
    assert 'id="member-360-replaced"' in html and f"?card={new.card_number}" in html


def test_promotion_categories_are_ticked_and_read_by_name(client, user_in_role, clerk):
    """Issue 15 (R-PTS-3): a promotion's categories are checkboxes labelled with the names and are stored
    comma-separated as before; lists and read-only pages show 化妆品, not `cosmetics`."""
    from members.models import PromotionRule

    c = logged_in(client, user_in_role("admin"))
    url = reverse("admin:members_promotionrule_add")
    page = c.get(url).content.decode()
    assert 'type="checkbox" name="categories" value="cosmetics"' in page
    data = {"name": "化妆品双倍积分", "side": "dept", "starts_at_0": "2026-12-01", "starts_at_1": "00:00:00",
            "ends_at_0": "2026-12-08", "ends_at_1": "00:00:00", "counters": "", "categories": ["cosmetics", "clothing"],
            "multiplier": "2", "yuan_per_point": ""}
    response = c.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = PromotionRule.objects.get(name="化妆品双倍积分")
    assert rule.categories == "clothing,cosmetics"  # the feed's order
    edit = c.get(reverse("admin:members_promotionrule_change", args=[rule.pk])).content.decode()
    assert 'value="cosmetics" class="desk-checklist" id="id_categories_2" checked' in edit
    listed = c.get(reverse("admin:members_promotionrule_changelist")).content.decode()
    assert "服装（春秋冬装）、化妆品" in listed and "clothing,cosmetics" not in listed
    read_only = logged_in(client, clerk).get(reverse("admin:members_promotionrule_change", args=[rule.pk]))
    assert read_only.status_code == 200 and "服装（春秋冬装）、化妆品" in read_only.content.decode()
