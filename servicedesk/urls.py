"""URLs: the API under /api/v1/ (each app's `api/urls.py`), /healthz, the language switch, and the
admin site — the desk itself — at the root."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from servicedesk.api.views import HealthView
from servicedesk.plugins import app_modules


def _app_api_urls():
    return [path("", include(module)) for _label, module in app_modules("api.urls")]


api_v1 = [
    *_app_api_urls(),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("healthz", HealthView.as_view(), name="healthz"),
    path("api/v1/", include(api_v1)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", admin.site.urls),
]
