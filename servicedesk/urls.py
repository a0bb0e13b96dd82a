"""URLs: the API under /api/v1/ (each app's `api/urls.py`), /healthz, the language switch, and the
admin site — the desk itself — at the root."""

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from servicedesk.admin_discovery import discover as discover_admin
from servicedesk.api.errors import api_not_found
from servicedesk.api.views import HealthView
from servicedesk.plugins import app_modules

discover_admin()  # every app's admin pages, registered where they are served (servicedesk/admin_discovery.py)


def _app_api_urls():
    return [path("", include(module)) for _label, module in app_modules("api.urls")]


api_v1 = [
    *_app_api_urls(),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The browsable docs load the Swagger UI from its CDN (the only page that does; its own script is
    # served by the split view, so no inline script is needed under the CSP).
    path("docs/", csp_update({"script-src": [settings.SWAGGER_UI_CDN], "style-src": [settings.SWAGGER_UI_CDN],
                              "img-src": [settings.SWAGGER_UI_CDN]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema")), name="docs"),
]

urlpatterns = [
    path("healthz", HealthView.as_view(), name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (PDFs): the desk's icon, not a logged 404.
    path("favicon.ico", lambda request: redirect(static("servicedesk/favicon.svg"), permanent=True), name="favicon"),
    path("api/v1/", include(api_v1)),
    re_path(r"^api/", api_not_found),  # before the admin's catch-all, which would redirect to the login page
    path("i18n/", include("django.conf.urls.i18n")),
    path("", admin.site.urls),
]
