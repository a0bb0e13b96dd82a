"""No anonymous page but the login page, the health check, static files and the language switch."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation

OPEN_PREFIXES = ("/healthz", "/i18n/", "/static/")


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
