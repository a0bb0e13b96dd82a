"""The gifts endpoints' schema tells what they really answer (the fuzz run over /api/v1/gifts/)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _json(schema, path, method, status):
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return _resolve(schema, content)


def test_pdfs_are_binary(schema):
    for path in ("/api/v1/gifts/campaigns/{code}/close-list.pdf", "/api/v1/gifts/deliveries/{id}/note.pdf",
                 "/api/v1/gifts/issues/{id}/form.pdf"):
        assert path + "/" not in schema["paths"]  # the slash alias is the same operation, documented once
        for p in (path,):
            content = schema["paths"][p]["get"]["responses"]["200"]["content"]
            assert list(content) == ["application/pdf"], p
            assert content["application/pdf"]["schema"]["format"] == "binary", p
            assert "400" in schema["paths"][p]["get"]["responses"], p


def test_writes_document_what_they_answer(schema):
    assert set(_json(schema, "/api/v1/gifts/campaigns/{code}/vouchers/", "post", "201")["required"]) == {
        "serials", "batch"}
    assert "200" not in schema["paths"]["/api/v1/gifts/campaigns/{code}/vouchers/"]["post"]["responses"]
    assert set(_json(schema, "/api/v1/gifts/campaigns/{code}/close/", "post", "200")["required"]) == {
        "code", "status", "returned"}
    assert set(_json(schema, "/api/v1/gifts/deliveries/", "post", "201")["required"]) == {
        "id", "item", "quantity", "balance_after"}
    assert set(_json(schema, "/api/v1/gifts/birthday/", "post", "201")["required"]) == {
        "id", "item", "quantity", "balance_after"}
    assert set(_json(schema, "/api/v1/gifts/stocktakes/{id}/explain/", "post", "200")["required"]) == {
        "status", "id", "variance"}
    for path in ("/api/v1/gifts/campaigns/{code}/vouchers/", "/api/v1/gifts/deliveries/"):
        responses = schema["paths"][path]["post"]["responses"]
        assert {"400", "403", "404", "409"} <= set(responses), path


def test_nullable_fields_are_nullable(schema):
    issue = _json(schema, "/api/v1/gifts/issues/{id}/", "get", "200")
    assert issue["properties"]["campaign"]["nullable"] is True
    campaign = _json(schema, "/api/v1/gifts/campaigns/{code}/", "get", "200")
    assert campaign["properties"]["owner_department"]["nullable"] is True


def test_vouchers_are_documented_and_lists_paginate_their_bodies(schema):
    assert "/api/v1/gifts/vouchers/{serial}/" in schema["paths"]
    listing = _json(schema, "/api/v1/gifts/deliveries/", "get", "200")
    row = _resolve(schema, listing["properties"]["results"]["items"])
    assert {"note_number", "delivered_by", "counted_by", "received_at"} <= set(row["required"])
