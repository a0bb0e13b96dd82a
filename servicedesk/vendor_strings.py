"""Strings of the libraries the desk shows (Django's admin, django-axes, django-simple-history,
django-import-export) that their own zh_Hans catalogues lack. Listed here so `makemessages` keeps them in
the servicedesk catalogue, which translates them (a msgid missing from a library's catalogue falls back to
ours). The words crawl (tests/test_zh_crawl.py) found them on the Chinese pages. Never imported."""

from django.utils.translation import gettext_noop as _

VENDOR_STRINGS = [
    # django.contrib.admin 5.2: the app list's table headers (read by screen readers, shown in the sidebar)
    _("Model name"), _("Add link"), _("Change or view list link"),
    # django-simple-history: the history table, a deleted object's row
    _("Changes"), _("Deleted %(type_name)s"),
    # django-import-export: the export page
    _("Select all"),
    # django-axes: the app, its models and their columns
    _("access attempt"), _("access attempts"), _("access log"), _("access logs"),
    _("access failure"), _("access failures"), _("access attempt expiration"), _("access attempt expirations"),
    _("Access lock out"), _("Attempt Time"), _("Locked Out"), _("Logout Time"), _("User Agent"), _("IP Address"),
    _("HTTP Accept"), _("Meta Data"), _("Path"), _("Failed Logins"), _("Expires At"), _("GET Data"),
    _("POST Data"), _("Form Data"), _("Attempt Remaining"), _("Username"),
    # django-axes: a failed attempt's expiry when none is set, its list's clean-up action
    _("Not set"), _("Clean up expired attempts"),
]
