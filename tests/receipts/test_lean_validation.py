"""Issue 16: the feed's lean validation gives exactly the serializer's values, and leaves every unusual body
to the serializer (whose error the client gets)."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# Issue 16: the lean checks take a plain value without DRF's field machinery; whatever they take must be
# what the serializer makes of it, and whatever the serializer refuses they must not take. Values drawn
# around every edge the fields have (blank, padding, length, NUL, surrogates, types, digits, ranges).
def _mostly(valid, edges):
    """A valid value 19 times in 20, else an edge case (so many whole receipts are valid, and many are not)."""
    return st.integers(0, 19).flatmap(lambda n: edges if n == 0 else valid)


_MISSING_KEY = object()
_EDGE_TEXT = st.one_of(st.text(max_size=45), st.sampled_from(["", " ", " a", "a ", "a\x00b", "\ud800", "x" * 41,
                                                              "\u3000a", "a\n"]),
                       st.integers(), st.none(), st.booleans(), st.just(_MISSING_KEY))
_TEXT = _mostly(st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Zs", "Zl", "Zp"]),
                                  min_size=1, max_size=40), st.sampled_from(["羊毛大衣", "C-2F-07", "x" * 40])),
                _EDGE_TEXT)
_MONEY = _mostly(st.decimals(min_value=0, max_value=10**10 - 1, places=2, allow_nan=False, allow_infinity=False).map(
                 lambda d: f"{d:.2f}"),
                 st.one_of(st.sampled_from(["99999999999.99", "1.5", "1", "-1.00", "1.005", " 1.00", "1e2", "NaN", "１.00",
                                            "01.00", "", "0.0", "1,000.00"]),
                           st.integers(), st.floats(allow_nan=False), st.none(), st.just(_MISSING_KEY)))
_INT = _mostly(st.integers(min_value=1, max_value=9999),
               st.one_of(st.integers(min_value=-2, max_value=100_001), st.sampled_from([True, False, "1", 1.0, None]),
                         st.just(_MISSING_KEY)))
_BOOL = _mostly(st.one_of(st.booleans(), st.just(_MISSING_KEY)), st.sampled_from([0, 1, "true", None]))
_CHOICE = _mostly(st.sampled_from(["clothing", "cosmetics", "fresh", "toys"]),
                  st.one_of(st.sampled_from(["spaceships", "", " clothing", "CLOTHING", "dept"]), st.integers(),
                            st.none(), st.just(_MISSING_KEY)))
_CARD = _mostly(st.one_of(st.sampled_from(["8800000000012", "", None, _MISSING_KEY]), _TEXT), _EDGE_TEXT)


def _dict(**fields):
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not _MISSING_KEY})


_LINE = _dict(line_no=_INT, sku=_TEXT, description=_mostly(st.one_of(_TEXT, st.just(""), st.just(_MISSING_KEY)),
                                                           _EDGE_TEXT),
              counter=_TEXT, category=_CHOICE, list_price=_MONEY, unit_price=_MONEY, quantity=_INT, bulk_discount=_BOOL,
              fresh=_BOOL)
_RECEIPT = _dict(side=_mostly(st.sampled_from(["dept", "market"]), st.sampled_from(["roof", "", "DEPT", None])),
                 number=_TEXT,
                 rung_at=_mostly(st.sampled_from(["2026-11-23T14:05:00+08:00", "2026-11-23T06:05:00Z",
                                                  "2026-11-23T14:05:00"]), st.sampled_from(["yesterday", "", None])),
                 card_number=_CARD,
                 payment_method=_mostly(st.sampled_from(["cash", "stored_value"]), st.sampled_from(["bitcoin", ""])),
                 total=_MONEY, lines=st.lists(_LINE, min_size=1, max_size=3))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_RECEIPT)
def test_r_api_lean_checks_take_exactly_what_the_serializer_takes(data):
    fast = receipt_in_validated(copy.deepcopy(data))
    serializer = ReceiptInSerializer(data=copy.deepcopy(data))
    if serializer.is_valid():
        assert fast is None or plain(fast) == plain(serializer.validated_data)
        if fast is not None:
            assert {k: type(v) for k, v in fast.items()} == {k: type(v) for k, v in serializer.validated_data.items()}
            for ours, theirs in zip(fast["lines"], serializer.validated_data["lines"], strict=True):
                assert {k: (type(v), str(v)) for k, v in ours.items()} == {k: (type(v), str(v)) for k, v in theirs.items()}
    else:
        assert fast is None


def test_a_plain_receipt_is_checked_without_the_fields_run_validation(monkeypatch):
    """The lean checks are what answers a plain receipt (only rung_at goes through its DRF field)."""
    from rest_framework import fields

    ran = []
    for klass in (fields.CharField, fields.IntegerField, fields.ChoiceField, fields.DecimalField, fields.BooleanField,
                  fields.DateTimeField):
        monkeypatch.setattr(klass, "run_validation", lambda self, data=fields.empty, _run=klass.run_validation:
                            ran.append(type(self).__name__) or _run(self, data))
    assert receipt_in_validated(body(card="8800000000012")) is not None
    assert ran == ["DateTimeField"]
