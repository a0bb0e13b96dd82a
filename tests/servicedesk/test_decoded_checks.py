"""The decoded body's walk (servicedesk/api/parsers.py): NUL characters and over-deep nesting refused with the
path named; with no `\\u0000` in the text it walks only arrays and objects (issue 16: the batch's strings)."""

import pytest
from rest_framework.exceptions import ValidationError

from servicedesk.api.parsers import check_decoded, decode_json


def _refused_at(data) -> list:
    with pytest.raises(ValidationError) as caught:
        check_decoded(data)
    return list(caught.value.detail)


def test_a_nul_is_refused_wherever_it_stands_naming_its_place():
    assert _refused_at("a\0") == ["non_field_errors"]
    assert _refused_at({"lines": [{"sku": "x\0"}]}) == ["lines.0.sku"]
    assert _refused_at({"lines": [{"s\0ku": "x"}]}) == ["lines.0"]  # a key: the object holding it
    assert _refused_at(["ok", ["deep\0"]]) == ["1.0"]


def test_a_body_too_deep_is_refused(settings):
    settings.API_MAX_JSON_DEPTH = 3
    assert _refused_at({"a": {"b": {"c": {"d": 1}}}}) == ["a.b.c"]
    check_decoded({"a": {"b": {"c": 1}}})  # three levels: allowed


def test_without_the_escape_in_the_text_strings_are_not_read_again():
    check_decoded({"sku": "x\0"}, nul_possible=False)  # what decode_json passes when the text has no \u0000
    with pytest.raises(ValidationError):
        decode_json(b'{"lines": [{"sku": "x\\u0000"}]}')
    assert decode_json(b'{"lines": [{"sku": "x"}]}') == {"lines": [{"sku": "x"}]}
