"""The scan box: one search field in the header of every page (and big on the clerk's home). A scanner
types a number and Enter; the page opens the record it names — a card, receipt, complaint, slip,
invoice or lost-property number, a phone or a name — or, when several records match, a choice list
(namesakes told apart by masked phone). The apps recognise their own shapes
(servicedesk.extensions.scan_lookups); the box is empty and focused again on the page that opens, so the
next customer's card can be scanned at once."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .extensions import scan

MAX_TERM = 60


@staff_member_required
def scan_view(request):
    term = request.GET.get("q", "").strip()[:MAX_TERM]
    hits = scan(term, user=request.user) if term else []
    if len(hits) == 1:
        return redirect(hits[0].url)
    from django.contrib import admin

    context = {**admin.site.each_context(request), "title": _("Find"), "term": term, "hits": hits}
    return TemplateResponse(request, "servicedesk/scan.html", context)
