"""The one place API request bodies are decoded (issue 9: never a 500 for any client input).

Every body parser of the API checks, once, what no endpoint can store or should have to walk:
- nesting deeper than `API_MAX_JSON_DEPTH` (a depth-1000 body used to end in a RecursionError);
- a NUL character in any key or string (PostgreSQL text cannot hold one; the lookup would crash).
Both answer 400 in the contract's error format, naming the field where the problem is.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL = "\x00"


def max_depth() -> int:
    return int(getattr(settings, "API_MAX_JSON_DEPTH", 32))


def _field_path(path: tuple) -> str:
    """("lines", 0, "sku") → "lines.0.sku"; the top level is "non_field_errors"."""
    return ".".join(str(part) for part in path) or "non_field_errors"


def _refuse(path: tuple, message: str):
    raise ValidationError({_field_path(path): [message]}, code="invalid")


def check_decoded(data, *, nul_possible: bool = True) -> None:
    """Walk a decoded body without recursion: refuse over-deep nesting and NUL characters. `nul_possible`
    False (the JSON text has no `\\u0000`, the only way a NUL gets into decoded JSON: the decoder refuses a
    raw control character) walks the arrays and objects only (issue 16: a 500-receipt batch has 14,000
    strings)."""
    limit = max_depth()
    if not isinstance(data, dict | list):
        if nul_possible and isinstance(data, str) and NUL in data:
            _refuse((), _("NUL characters are not allowed."))
        return
    stack = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()  # depth: how many arrays/objects enclose the value
        if depth >= limit:
            _refuse(path[:limit], _("The body is nested more than %(n)s levels deep.") % {"n": limit})
        for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
            if nul_possible and isinstance(key, str) and NUL in key:
                _refuse(path, _("NUL characters are not allowed."))
            if isinstance(item, dict | list):
                stack.append((item, (*path, key), depth + 1))
            elif nul_possible and isinstance(item, str) and NUL in item:
                _refuse((*path, key), _("NUL characters are not allowed."))


def decode_json(raw: bytes, encoding: str = "utf-8"):
    """Decode a JSON body once, with the checks above; raises ParseError or ValidationError."""
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(_("The body is not valid %(encoding)s text: %(error)s") % {"encoding": encoding, "error": exc})
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        _refuse((), _("The body is nested more than %(n)s levels deep.") % {"n": max_depth()})
    except ValueError as exc:
        raise ParseError(_("JSON parse error: %(error)s") % {"error": exc})
    check_decoded(data, nul_possible="\\u0000" in text)
    return data


#: The attribute of the Django request where RequestEdgeMiddleware leaves the decoded body.
DECODED = "_desk_decoded_json"


class DeskJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        django_request = getattr(parser_context.get("request"), "_request", None)
        if django_request is not None and hasattr(django_request, DECODED):
            return getattr(django_request, DECODED)
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        return decode_json(stream.read(), encoding)


def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")
