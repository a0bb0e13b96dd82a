"""URLs: the API under /api/v1/ (each app's `api/urls.py`), /healthz, the language switch, and the
admin site — the desk itself — at the root."""

import importlib

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from servicedesk.api.views import HealthView


def _app_api_urls():
    patterns = []
    for label in settings.DESK_APPS:
        try:
            importlib.import_module(f"{label}.api.urls")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{label}.api", f"{label}.api.urls"):
                raise
            continue
        patterns.append(path("", include(f"{label}.api.urls")))
    return patterns


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
