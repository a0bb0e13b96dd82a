"""The admin's pages are registered when the site is served, not whenever Django starts (issue 16).

Django's AdminConfig imports every app's `admin` module in `django.setup()`, and with them import-export's
formats (openpyxl), the PDF modules (reportlab) and the admin's forms: ~0.6 s and ~21 MB in every process,
though only the web workers serve admin pages. The desk's admin app is therefore a SimpleAdminConfig, and
`discover()` runs where the pages are needed: when the URLconf is imported (every request-serving process:
gunicorn's workers import it before their first request, `servicedesk/runtime.py`) and before the admin's
system checks. A management command, a Celery worker or an export starts without the admin.
"""

from threading import Lock

_lock = Lock()
_done = False


def discover() -> None:
    """Import every app's admin module once (Django's autodiscover), then dress the pages that other apps'
    registrations must exist for (user and group permissions in words)."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        from django.contrib import admin

        from .permission_labels import install as install_permission_labels

        admin.autodiscover()
        install_permission_labels()  # permissions read in the reader's language on user and group pages
        _done = True


def discover_before_checks(app_configs=None, **kwargs):
    """A system check that registers the pages first, so the admin's own checks see every ModelAdmin even when
    run alone (`manage.py check --tag admin`)."""
    discover()
    return []
