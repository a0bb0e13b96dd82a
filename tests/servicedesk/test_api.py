import pytest
from django.core.management import call_command

from servicedesk.choices import Shift

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/handover/entries/"


def test_r_desk_1_write_and_acknowledge_through_the_api(api_as, user_in_role):
    writer, reader = user_in_role("clerk"), user_in_role("clerk")
    # when
    created = api_as(writer).post(ENTRIES, {"shift_date": "2026-11-23", "shift": Shift.EARLY, "notes": "缺纸",
                                            "items": ["回访"]}, format="json")
    # then
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["written_by"] == writer.username and [i["text"] for i in body["items"]] == ["回访"]
    # the writer cannot acknowledge; the next shift can, once
    url = f"{ENTRIES}{body['id']}/acknowledge/"
    own = api_as(writer).post(url)
    assert own.status_code == 403 and own.json()["code"] == "R-DESK-1"
    assert api_as(reader).post(url).json()["acknowledged_by"] == reader.username
    again = api_as(reader).post(url)
    assert again.status_code == 409 and again.json()["code"] == "R-DESK-1"


def test_r_desk_1_bad_input_names_the_field(api_as, clerk):
    response = api_as(clerk).post(ENTRIES, {"shift_date": "not a date", "shift": "night", "notes": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and {"shift_date", "shift", "notes"} <= set(body["fields"])


def test_unknown_object_is_404_in_contract_format(api_as, clerk):
    response = api_as(clerk).post(f"{ENTRIES}99999/acknowledge/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_healthz_is_open_and_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    expected = "ok" if settings.REDIS_URL else "eager"
    assert body["broker"] == expected


def test_schema_and_docs_need_login(client, api_as, clerk):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    schema = api_as(clerk).get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/handover/entries/" in schema.content
    client.force_login(clerk)
    assert client.get("/api/v1/docs/").status_code == 200


def test_api_token_command_prints_only_the_token(clerk, capsys):
    call_command("api_token", clerk.username)
    first = capsys.readouterr().out.splitlines()
    call_command("api_token", clerk.username)
    assert first == capsys.readouterr().out.splitlines() and len(first) == 1 and len(first[0]) == 40


def test_favicon_is_the_desks_icon_not_a_logged_404(client):
    """Browsers ask for /favicon.ico (PDFs have no icon link): anonymous, it redirects to the icon."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("servicedesk/favicon.svg")
