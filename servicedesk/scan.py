"""The scan box: one search field in the header of every page (and big on the clerk's home). A scanner
types a number and Enter; the page opens the record it names — a card, receipt, complaint, slip,
invoice or lost-property number, a phone or a name — or, when several records match, a choice list
(namesakes told apart by masked phone). The apps recognise their own shapes
(servicedesk.extensions.scan_lookups); the box is empty and focused again on the page that opens, so the
next customer's card can be scanned at once."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.admin.views.decorators import staff_member_required
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.translation import gettext as _

from .extensions import scan

MAX_TERM = 60


@staff_member_required
def scan_view(request):
    term = request.GET.get("q", "").strip()[:MAX_TERM]
    hits = scan(term, user=request.user) if term else []
    if len(hits) == 1:
        return open_in_place(request, hits[0].url)
    from django.contrib import admin

    context = {**admin.site.each_context(request), "title": _("Find"), "term": term, "hits": hits}
    return TemplateResponse(request, "servicedesk/scan.html", context)


def open_in_place(request, url: str):
    """The one record a scan found, answered with that record's own page rather than a redirect to it:
    the browser saves a round trip per customer (issue 15: scan → Member 360 < 200 ms). The record's view
    runs as if its URL had been asked for — its own permission checks included — and the page carries its
    address (`request.desk_address`, a meta tag in base_site.html) for desk.js to put in the address bar,
    so reload, bookmarks, the language switch and the page's relative links behave as after a redirect."""
    parts = urlsplit(url)
    prefix = get_script_prefix()
    if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
        return redirect(url)
    path_info = "/" + parts.path[len(prefix):]
    try:
        match = resolve(path_info)
    except Resolver404:
        return redirect(url)
    request.path, request.path_info = parts.path, path_info
    request.META["PATH_INFO"], request.META["QUERY_STRING"] = path_info, parts.query
    request.GET = QueryDict(parts.query)
    request.resolver_match = match
    request.desk_address = url
    return match.func(request, *match.args, **match.kwargs)
