"""Issue 9, item 2: /api/v1/schema/ documents what the endpoints really answer."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories.complaints import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _ok(schema, path, method="get", status="200"):
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return _resolve(schema, content)


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_nullable_fields_are_nullable(schema):
    components = schema["components"]["schemas"]
    assert components["Complaint"]["properties"]["department"]["nullable"] is True
    assert components["HandoverEntry"]["properties"]["acknowledged_by"]["nullable"] is True
    assert components["HandoverItem"]["properties"]["closed_by"]["nullable"] is True


def test_sub_resources_are_plain_arrays_and_document_no_list_filters(schema):
    for sub in ("events", "followups", "supplier-contacts"):
        path = f"/api/v1/complaints/{{number}}/{sub}/"
        assert _ok(schema, path)["type"] == "array", sub
        names = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
        assert names == {"number"}, (sub, names)
    ledger = _ok(schema, "/api/v1/members/{card_number}/ledger/")
    assert set(ledger["properties"]) >= {"results", "next", "previous"}


def test_member_card_and_actions_have_their_own_response_schemas(schema):
    card = _ok(schema, "/api/v1/members/{card_number}/")
    assert {"card_number", "dept_points", "market_points", "stored_value", "year_spend"} <= set(card["properties"])
    assert "qualification" not in card["properties"]  # not the enrolment request
    route = _ok(schema, "/api/v1/complaints/{number}/route/", "post")
    assert set(route["properties"]) == {"status", "feedback_by"}
    sign = _ok(schema, "/api/v1/returns/{id}/sign/", "post")
    assert "status" in sign["properties"]
    stock = _ok(schema, "/api/v1/card-stock/", "post", "201")
    assert set(stock["properties"]) == {"on_hand", "threshold", "low"}


def test_every_operation_documents_the_error_format(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail", "fields"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "403", "404"):
                assert status in operation["responses"], (method, path, status)
            if method != "get":
                assert {"409", "413"} <= set(operation["responses"]), (method, path)


def test_request_bodies_are_json_only(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert set(operation["requestBody"]["content"]) == {"application/json"}, (method, path)


def test_phrase_detail_answers_the_phrase(api_as, clerk):
    api = api_as(clerk)
    phrases = api.get("/api/v1/complaint-phrases/").json()
    assert isinstance(phrases, list) and phrases, "reply phrases are seeded by a data migration"
    first = phrases[0]
    assert api.get(f"/api/v1/complaint-phrases/{first['id']}/").json() == first
    assert api.get("/api/v1/complaint-phrases/999999/").status_code == 404
    assert api.get("/api/v1/complaint-phrases/", {"scene": "nonsense"}).status_code == 400


def test_sub_resource_answers_match_the_schema(api_as, clerk):
    complaint = ComplaintFactory(recorded_by=clerk)
    api = api_as(clerk)
    for sub in ("events", "followups", "supplier-contacts"):
        assert isinstance(api.get(f"/api/v1/complaints/{complaint.number}/{sub}/").json(), list)
