"""No anonymous page but the login page, the health check, static files and the language switch."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation

OPEN_PREFIXES = ("/healthz", "/i18n/", "/static/", "/favicon.ico")


class LeanRoutesMiddleware:
    """Right after SecurityMiddleware (before CSP: a lean route sets the policy itself): a request a lean route answers
    (servicedesk.extensions.lean_routes, the till feed) skips sessions, CSRF, auth, messages, history and
    DRF; any other request, or one the route declines, goes on through the whole stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .extensions import lean_routes

        for route in lean_routes:
            if request.path_info == route.path and request.method == route.method:
                response = route.answer(request)
                if response is not None:
                    return response
                break
        return self.get_response(request)


class LoginRequiredEverywhereMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            request.user.is_authenticated
            or path.startswith(OPEN_PREFIXES)
            or path.startswith("/api/")  # the API answers 401/403 in its own JSON format
            or path == reverse("admin:login")
            or path == reverse("admin:logout")
        ):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


class StoreLanguageMiddleware(LocaleMiddleware):
    """The desk speaks the store's language (LANGUAGE_CODE, Simplified Chinese) unless the user picked
    another with the switch in the header (a cookie). The browser's Accept-Language is not consulted:
    counter terminals are often set up in English, yet the staff read Chinese. API clients (tills,
    finance tools) do choose their language with Accept-Language."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


def _json_error(status: int, code: str, detail: str, fields: dict | None = None):
    from django.http import JsonResponse

    return JsonResponse({"code": code, "detail": str(detail), "fields": fields or {}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


class RequestEdgeMiddleware:
    """The edge of every request, before any view (issue 9: never a 500 for any client input):

    - a NUL character in the path or the query string → 400 (JSON naming the path parameter or query
      parameter under /api/; plain 400 elsewhere): no lookup ever sees one;
    - an API body larger than DATA_UPLOAD_MAX_MEMORY_SIZE → 413 in the contract's JSON format
      (instead of Django's HTML 400 once the body is read).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest
        from django.utils.translation import gettext as _

        api = request.path_info.startswith("/api/")
        bad = self._nul_field(request)
        if bad is not None:
            if not api:
                return HttpResponseBadRequest(b"NUL characters are not allowed.", content_type="text/plain")
            return _json_error(400, "invalid", _("%(field)s: NUL characters are not allowed.") % {"field": bad},
                               {bad: [_("NUL characters are not allowed.")]})
        if api:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return _json_error(400, "invalid", _("The Content-Length header is not a number."))
            if limit is not None and length > limit:
                return body_too_large()
            refused = self._decode_json_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _decode_json_body(request):
        """Every API write with a JSON body is decoded here, once, before any view runs (so no view can
        look an object up with it first): too deep or a NUL anywhere → 400 naming the field. The parser
        (servicedesk.api.parsers.DeskJSONParser) hands the decoded body to the view."""
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        if not request.content_type or not (request.content_type == "application/json"
                                            or request.content_type.endswith("+json")):
            return None
        from django.core.exceptions import RequestDataTooBig
        from rest_framework.exceptions import APIException, ValidationError

        from servicedesk.api.errors import desk_exception_handler
        from servicedesk.api.parsers import DECODED, decode_json

        try:
            raw = request.body
        except RequestDataTooBig:
            return body_too_large()
        if not raw.strip():
            return None
        try:
            data = decode_json(raw, request.encoding or settings.DEFAULT_CHARSET)
        except (ValidationError, APIException) as exc:
            answer = desk_exception_handler(exc, {})
            return _json_error(answer.status_code, answer.data["code"], answer.data["detail"], answer.data["fields"])
        setattr(request, DECODED, data)
        return None

    @staticmethod
    def _nul_field(request) -> str | None:
        if "\x00" in request.path_info:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return "path"
            for name, value in match.kwargs.items():
                if "\x00" in str(value):
                    return name
            return "path"
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "") or "query"
        if "\x00" in request.META.get("HTTP_AUTHORIZATION", ""):
            return "Authorization"
        return None


def body_too_large():
    from django.utils.translation import gettext as _

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _json_error(413, "too_large", _("The request body is larger than %(n)s bytes.") % {"n": limit})
