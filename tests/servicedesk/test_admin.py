import pytest
from django.urls import reverse

from servicedesk.models import HandoverEntry
from tests.factories.servicedesk import HandoverEntryFactory

pytestmark = pytest.mark.django_db

DESK = reverse("admin:servicedesk_handoverentry_desk")


def test_anonymous_is_sent_to_login_everywhere(client):
    for url in ["/", DESK, "/servicedesk/notification/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 200


def test_dashboard_shows_handover_tile_with_real_counts(client, user_in_role):
    writer, reader = user_in_role("clerk"), user_in_role("clerk")
    HandoverEntryFactory(written_by=writer)
    client.force_login(reader)
    response = client.get("/")
    assert response.status_code == 200
    tiles = {tile.title: tile for tile in response.context["tiles"]}
    handover = tiles["Shift handover book"] if "Shift handover book" in tiles else tiles["交接班本"]
    assert handover.lines[0].value == 1 and handover.lines[0].alert


def test_dashboard_without_data_has_no_handover_tile(client, clerk):
    client.force_login(clerk)
    response = client.get("/")
    assert all(t.url != DESK for t in response.context["tiles"])


def test_r_desk_1_counter_page_writes_and_acknowledges(client, user_in_role):
    writer, reader = user_in_role("clerk"), user_in_role("clerk")
    client.force_login(writer)
    response = client.post(DESK, {"shift_date": "2026-11-23", "shift": "early", "notes": "三楼电梯维修",
                                  "new_items": "伞 #3 未还\n"})
    assert response.status_code == 302
    entry = HandoverEntry.objects.get()
    assert entry.written_by == writer and entry.items.get().text == "伞 #3 未还"
    client.force_login(reader)
    page = client.get(DESK)
    assert "三楼电梯维修" in page.content.decode()
    assert client.post(reverse("admin:servicedesk_handoverentry_acknowledge", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.acknowledged_by == reader


def test_counter_page_shows_field_errors_not_500(client, clerk):
    client.force_login(clerk)
    response = client.post(DESK, {"shift_date": "bad", "shift": "early", "notes": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"shift_date", "notes"}


def test_the_desk_speaks_chinese_even_to_an_english_browser(client, clerk):
    client.force_login(clerk)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "服务台" in response.content.decode() and response.context["LANGUAGE_CODE"] == "zh-hans"


def test_language_switch_to_english(client, clerk):
    client.force_login(clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert "Service Desk" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "服务台" in client.get("/").content.decode()


def test_history_is_visible_in_the_admin(client, supervisor):
    entry = HandoverEntryFactory()
    client.force_login(supervisor)
    response = client.get(reverse("admin:servicedesk_handoverentry_history", args=[entry.pk]))
    assert response.status_code == 200
