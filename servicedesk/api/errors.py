"""The one exception handler of the API: every error leaves as
`{"code": "<rule id or error code>", "detail": "<sentence>", "fields": {...}}` (api-contract.md)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from servicedesk.errors import DomainError

log = logging.getLogger(__name__)


def _first_message(fields) -> str:
    if isinstance(fields, dict):
        for name, value in fields.items():
            message = _first_message(value)
            if message:
                return message if name == "non_field_errors" else f"{name}: {message}"
    if isinstance(fields, list):
        for value in fields:
            message = _first_message(value)
            if message:
                return message
    if isinstance(fields, str):
        return fields
    return ""


def _field_code(fields) -> str | None:
    """A serializer may raise a ValidationError whose code is a rule id: surface it as the code."""
    if isinstance(fields, dict):
        for value in fields.values():
            code = _field_code(value)
            if code:
                return code
    if isinstance(fields, list):
        for value in fields:
            code = _field_code(value)
            if code:
                return code
    code = getattr(fields, "code", None)
    if isinstance(code, str) and code.startswith("R-"):
        return code
    return None


def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    return {"code": code, "detail": detail, "fields": fields or {}}


def desk_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.detail, exc.fields), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):  # a body streamed without Content-Length (the middleware sees the rest)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(error_body("too_large", _("The request body is larger than %(n)s bytes.") % {"n": limit}),
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):  # too many fields, a malformed multipart body…
        return Response(error_body("invalid", str(exc) or _("The request could not be read.")),
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        code = _field_code(exc.detail) or "invalid"
        response.data = error_body(code, _first_message(fields) or "Invalid input.", _plain(fields))
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = exc.detail if isinstance(exc.detail, str) else _first_message(exc.detail)
        code = getattr(exc, "default_code", "error")
        if isinstance(exc.detail, exceptions.ErrorDetail):
            code = exc.detail.code or code
        response.data = error_body(code, str(detail))
    return response


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value)


def csrf_failure(request, reason=""):
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse(error_body("csrf_failed", _("CSRF check failed: %(reason)s") % {"reason": reason}), status=403)
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any /api/ path no endpoint answers: the contract's JSON 404 (never the admin's login redirect)."""
    from django.http import JsonResponse

    return JsonResponse(error_body("not_found", _("No API endpoint at this address.")), status=404)
