"""Issue 16: the feed's lean validation gives exactly the serializer's values, and leaves every unusual body
to the serializer (whose error the client gets)."""

import copy

import pytest

from receipts.api.serializers import ReceiptInSerializer, receipt_in_validated

from .test_api import body

VALID = [
    body(card="8800000000012"),
    body(side="market", number=" M1 ".strip(), payment="stored_value"),
    {**body(), "card_number": None},
    {**body(), "card_number": ""},
    {**body(), "rung_at": "2026-11-23T14:05:00"},  # no offset: read in Asia/Shanghai
    {**body(), "rung_at": "2026-11-23T06:05:00Z"},
    {**body(), "extra": "ignored as the serializer ignores it"},
]


def drf(data):
    serializer = ReceiptInSerializer(data=data)
    assert serializer.is_valid(), serializer.errors
    return serializer.validated_data


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@pytest.mark.parametrize("data", VALID)
def test_same_values_as_the_serializer(data):
    fast = receipt_in_validated(copy.deepcopy(data))
    assert fast is not None
    assert plain(fast) == plain(drf(copy.deepcopy(data)))
    assert {k: type(v) for k, v in fast.items()} == {k: type(v) for k, v in plain(drf(copy.deepcopy(data))).items()}


INVALID = [
    "text", [], {}, {**body(), "lines": []}, {**body(), "lines": "x"}, {**body(), "lines": ["x"]},
    {**body(), "side": "roof"}, {**body(), "number": ""}, {**body(), "number": " padded "}, {**body(), "number": "x" * 41},
    {**body(), "total": "1.005"}, {**body(), "total": "-1.00"}, {**body(), "rung_at": "yesterday"},
    {k: v for k, v in body().items() if k != "total"},
    {**body(), "lines": [{**body()["lines"][0], "quantity": 0}]},
    {**body(), "lines": [{**body()["lines"][0], "category": "spaceships"}]},
    {**body(), "lines": [{k: v for k, v in body()["lines"][0].items() if k != "sku"}]},
    # the API's strict JSON types (issue 9): money is a string, a quantity an integer
    {**body(lines=[{"line_no": 1, "sku": "1", "counter": "C", "category": "toys", "list_price": "5", "unit_price": 5,
                    "quantity": "2"}], total="10.00")},
]


@pytest.mark.parametrize("data", INVALID)
def test_anything_unusual_is_left_to_the_serializer(data):
    fast = receipt_in_validated(copy.deepcopy(data))
    serializer = ReceiptInSerializer(data=copy.deepcopy(data))
    if serializer.is_valid():  # e.g. a padded number the serializer trims: then the values must agree
        assert fast is None or plain(fast) == plain(serializer.validated_data)
    else:
        assert fast is None
