"""The till feed's lean path (issue 16): `POST /api/v1/receipts/` from a till — a token, a plain JSON receipt
— answered right after SecurityMiddleware (with the CSP header CSPMiddleware would add), without sessions,
CSRF, messages, URL routing or DRF's request cycle, which cost about 40% of a receipt's Python time. It does
what the full stack does for such a request, with the same parts: the cached token authentication, the
role's permission, the body's checks (servicedesk.api.parsers), the lean validation,
receipts.services.receipt_ingest and DRF's JSON renderer.

Whatever is not plain is declined (None) before anything is written, and the full stack answers it as
before: no token or another scheme, a bad or unknown token, a role without `receipts.add_receipt`, a body
that is not plain JSON or needs the serializer's error, and every refusal of the ingest (a DomainError
rolls the ingest back; the full stack runs it again and answers the refusal in the contract's format), and a
database error (a connection that broke while idle: dropped, the full stack connects anew)."""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse
from django.utils import translation
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from simple_history.models import HistoricalRecords

from receipts import services
from servicedesk.api.authentication import CachedTokenAuthentication
from servicedesk.api.parsers import decode_json
from servicedesk.errors import DomainError

from .serializers import receipt_in_validated

# What the full stack adds to this answer (DRF's finalize_response, the locale, session and X-Frame-Options
# middleware), so a till cannot tell the two paths apart.
_HEADERS = {"Allow": "GET, POST, HEAD, OPTIONS", "Vary": "Accept, Accept-Language, Cookie", "X-Frame-Options": "DENY"}


@cache
def _csp_headers() -> dict:
    """The policy CSPMiddleware would send with this answer (no nonce: nothing here asks for one), built
    once a process — the middleware builds it again for every response (issue 16: ≈ 4% of a receipt)."""
    headers = {}
    if policy := build_policy():
        headers[HEADER] = policy
    if policy := build_policy(report_only=True):
        headers[HEADER_REPORT_ONLY] = policy
    return headers


class FeedLean:
    name = "receipts.feed"
    method = "POST"
    path = "/api/v1/receipts/"

    def __init__(self):
        self._auth = CachedTokenAuthentication()
        self._renderer = JSONRenderer()

    def answer(self, request):
        meta = request.META
        scheme, _sep, key = meta.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme != "Token" or not key or " " in key or "\x00" in key or meta.get("QUERY_STRING"):
            return None
        if request.content_type != "application/json":
            return None
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length <= 0 or (limit is not None and length > limit):
            return None
        try:
            user, _token = self._auth.authenticate_credentials(key)
        except exceptions.APIException:
            return None
        if not user.has_perm("receipts.add_receipt"):  # RoleModelPermissions: POST needs add_ (R-ROLE)
            return None
        try:
            data = receipt_in_validated(decode_json(request.body, request.encoding or settings.DEFAULT_CHARSET))
        except exceptions.APIException:
            return None
        if data is None:
            return None
        request.user = user  # as DRF's authentication sets it: simple-history names the till user of an upgrade
        HistoricalRecords.context.request = request
        database = connections[DEFAULT_DB_ALIAS]
        if database.connection is not None:
            # No `SELECT 1` before the ingest (CONN_HEALTH_CHECKS): a round trip a receipt, on a connection the
            # last receipt just used. Should it have broken meanwhile, the ingest fails before its commit, the
            # connection is dropped and the full stack answers on a new one.
            database.health_check_done = True
        try:
            body, created = services.receipt_ingest(data=data, user=user)
        except DomainError:
            return None
        except DatabaseError:
            database.health_check_done = False
            database.close_if_unusable_or_obsolete()
            return None
        finally:
            del HistoricalRecords.context.request
        response = HttpResponse(self._renderer.render(body), status=201 if created else 200,
                                content_type="application/json")
        for name, value in {**_HEADERS, **_csp_headers()}.items():
            response[name] = value
        response["Content-Language"] = translation.get_language_from_request(request)  # as LocaleMiddleware
        return response
