"""Counter pages of the desk services: the counter, the deposit day, the lost-property claim page, the report
pages (chart served locally, PDF, XLSX), the brand import with preview, the dashboard tiles."""

from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from desk import services
from desk.models import Brand, Enquiry, LostProperty, UmbrellaLoan

pytestmark = pytest.mark.django_db
COUNTER = "admin:desk_enquiry_counter"


def _login(client, user):
    client.force_login(user)
    return client


def test_counter_page_one_click_enquiry_and_umbrella_round_trip(client, clerk):
    c = _login(client, clerk)
    page = c.get(reverse(COUNTER))
    assert page.status_code == 200 and "desk-enquiries" in page.content.decode()
    resp = c.post(reverse(COUNTER), {"do_enquiry": "1", "channel": "phone", "topic": "brand_location", "question": "兰蔻"})
    assert resp.status_code == 302
    e = Enquiry.objects.get()
    assert (e.channel, e.topic, e.question, e.by) == ("phone", "brand_location", "兰蔻", clerk)
    c.post(reverse(COUNTER), {"do_lend": "1", "lend-umbrella": "U-017", "lend-customer_name": "陈女士",
                              "lend-phone": "13800001234", "lend-deposit": ""})
    loan = UmbrellaLoan.objects.get()
    assert loan.deposit == Decimal("20.00") and loan.status == "out"
    again = c.post(reverse(COUNTER), {"do_lend": "1", "lend-umbrella": "U-017", "lend-customer_name": "刘",
                                      "lend-phone": "139"}, follow=True)
    assert "U-017" in again.content.decode() and UmbrellaLoan.objects.count() == 1
    c.post(reverse(COUNTER), {"do_return": "1", "back-tag": "u-017"})
    loan.refresh_from_db()
    assert loan.status == "returned"


def test_counter_registers_a_lost_child_with_the_pa_insert(client, clerk):
    from broadcast.models import UrgentInsert

    resp = _login(client, clerk).post(reverse(COUNTER), {
        "do_lost": "1", "lost-kind": "lost_child", "lost-description": "女孩，约4岁，粉色外套", "lost-found_where": "二楼",
        "lost-announce": "on"})
    assert resp.status_code == 302
    entry = LostProperty.objects.get()
    assert entry.kind == "lost_child" and entry.pa_insert == UrgentInsert.objects.get()


def test_counter_forbidden_for_roles_without_desk_services(client, user_in_role):
    assert _login(client, user_in_role("cashier")).get(reverse(COUNTER)).status_code == 403
    client.force_login(user_in_role("finance"))  # reads the desk, does no counter work
    assert client.get(reverse(COUNTER)).status_code == 200
    assert client.post(reverse(COUNTER), {"do_enquiry": "1", "channel": "phone", "topic": "other"}).status_code == 403


def test_r_desk_3_deposit_day_page_reconciles(client, clerk, at):
    loans = [services.umbrella_lend(user=clerk, umbrella=f"U-{i}", customer_name="甲", phone="1", now=at(2026, 12, 1, 10))
             for i in range(3)]
    for loan in loans[:2]:
        services.umbrella_return(loan=loan, user=clerk, now=at(2026, 12, 1, 15))
    url = reverse("admin:desk_depositentry_day") + "?date=2026-12-01"
    page = _login(client, clerk).get(url).content.decode()
    assert 'id="deposit-taken">60.00<' in page and 'id="deposit-refunded">40.00<' in page
    assert 'id="deposit-held">20.00<' in page and 'id="deposit-cash">20.00<' in page
    resp = client.post(url, {"counted": "20.00"})
    assert resp.status_code == 302
    assert "0.00" in client.get(url).content.decode()


def test_claim_page_masks_the_id_for_clerks_and_shows_it_to_the_supervisor(client, clerk, supervisor):
    entry = services.lost_property_register(user=clerk, description="钱包", found_where="一楼", announce=False)
    url = reverse("admin:desk_lostproperty_claim", args=[entry.pk])
    c = _login(client, clerk)
    resp = c.post(url, {"do_claim": "1", "claim-claimant_name": "失主", "claim-id_number": "110105194912310021",
                        "claim-phone": "13800138000"})
    assert resp.status_code == 302
    assert "110105********0021" in c.get(url).content.decode()
    assert "110105194912310021" not in c.get(reverse("admin:desk_lostproperty_changelist")).content.decode()
    client.force_login(supervisor)
    assert "110105194912310021" in client.get(url).content.decode()
    client.force_login(clerk)
    assert client.post(url, {"do_dispose": "1", "dispose-disposal": "x"}).status_code == 403


def test_r_desk_4_report_page_with_local_chart_pdf_and_xlsx(client, supervisor, user_in_role, clerk, at):
    services.enquiry_log(user=clerk, channel="phone", topic="services", now=at(2026, 11, 24, 10))
    url = reverse("admin:desk_deskreport_page", args=["weekly", "2026-W48"])
    page = _login(client, supervisor).get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "servicedesk/vendor/chart.umd.min.js" in body and "cdn" not in body.lower()
    assert 'id="desk-report-data"' in body
    for ext, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        f = client.get(reverse("admin:desk_deskreport_file", args=["monthly", "2026-11", ext]))
        assert f.status_code == 200 and f.content.startswith(magic)
    assert client.get(reverse("admin:desk_deskreport_page", args=["weekly", "48"])).status_code == 404
    client.force_login(user_in_role("ops_manager"))
    assert client.get(url).status_code == 200
    client.force_login(clerk)
    assert client.get(url).status_code == 403


def test_chart_library_is_vendored_with_its_licence():
    from django.contrib.staticfiles import finders

    path = finders.find("servicedesk/vendor/chart.umd.min.js")
    assert path and open(path, encoding="utf-8").read(200).startswith("/*!\n * Chart.js v4.6.1")
    assert finders.find("servicedesk/vendor/chart.js.LICENSE.md")


def test_r_desk_2_brand_import_with_preview_then_confirm(client, supervisor):
    from import_export.formats.base_formats import CSV

    csv = "brand,floor,counter,category,phone,active\n雅诗兰黛,1F,C-1F-01,化妆品,021-1,1\n耐克,4F,C-4F-03,运动,,1\n"
    c = _login(client, supervisor)
    url = reverse("admin:desk_brand_import")
    choices = dict(c.get(url).context["form"].fields["format"].choices)
    csv_index = next(k for k, v in choices.items() if str(v).lower() == CSV().get_title().lower())
    preview = c.post(url, {"format": csv_index, "import_file": SimpleUploadedFile("plan.csv", csv.encode("utf-8")),
                           "resource": 0})
    assert preview.status_code == 200 and "confirm" in preview.content.decode().lower()
    assert not Brand.objects.exists()  # a preview writes nothing
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name) for name in form.fields}
    resp = c.post(reverse("admin:desk_brand_process_import"), data)
    assert resp.status_code == 302
    assert dict(Brand.objects.values_list("brand", "initials")) == {"雅诗兰黛": "ysld", "耐克": "nk"}


def test_dashboard_tiles(client, clerk, supervisor, at):
    with time_machine.travel(at(2026, 11, 1, 10), tick=False):
        services.umbrella_lend(user=clerk, umbrella="U-1", customer_name="甲", phone="1")
    services.umbrella_lend(user=clerk, umbrella="U-2", customer_name="乙", phone="2")
    services.lost_property_register(user=clerk, description="钱包", found_where="一楼", announce=False)
    services.report_prepare(kind="weekly", period="2026-W48")
    from django.test import RequestFactory

    from desk.dashboard import tiles

    request = RequestFactory().get("/")
    request.user = clerk
    lines = {line.label: line.value for tile in tiles(request) for line in tile.lines}
    assert lines["Umbrellas out"] == 2 and lines["Overdue loans"] == 1 and lines["Lost property held"] == 1
    assert "Desk reports" not in [t.title for t in tiles(request)]
    request.user = supervisor
    assert "Weekly desk report 2026-W48" in [line.label for t in tiles(request) for line in t.lines]
    assert _login(client, supervisor).get("/").status_code == 200


def test_demo_loads_twice(db):
    import io

    from desk import demo
    from servicedesk import demo as desk_demo

    out = io.StringIO()
    desk_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    assert Brand.objects.count() == 8 and LostProperty.objects.filter(pa_insert__isnull=False).count() == 2
    assert UmbrellaLoan.objects.filter(status="out").count() == 2


def test_r_desk_2_enquiry_list_shows_todays_counts_by_topic_and_hour(client, clerk):
    from django.utils import timezone

    now = timezone.localtime().replace(hour=10, minute=15)
    services.enquiry_log(user=clerk, channel="phone", topic="directions", now=now)
    services.enquiry_log(user=clerk, channel="phone", topic="directions", now=now)
    resp = _login(client, clerk).get(reverse("admin:desk_enquiry_changelist"))
    assert resp.status_code == 200
    assert 2 in dict(resp.context["enquiry_topics"]).values() and ("10", 2) in resp.context["enquiry_hours"]


def test_member_360_shows_the_gift_wrapping_panel(clerk, rf):
    from servicedesk.extensions import panels_for
    from tests.factories.members import CardFactory

    card = CardFactory()
    request = rf.get("/")
    request.user = clerk
    assert panels_for(target="members.card", obj=card, request=request) == []
    services.gift_wrap_log(user=clerk, card_number=card.card_number, items=3)
    html = "".join(panels_for(target="members.card", obj=card, request=request))
    assert 'id="desk-gift-wraps"' in html and "3 parcels" in html
