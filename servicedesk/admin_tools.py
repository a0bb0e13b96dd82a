"""Admin building blocks for big tables (performance.md): no exact COUNT(*) over millions of rows, no
deep OFFSET dragging joins along, and exact matches on indexed keys (card number, receipt number, phone)
before any icontains."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 100_000  # rows; below this an exact count is cheap enough
DEFERRED_JOIN_FROM = 1_000  # offset from which a page is found by primary keys first


class EstimatedCountPaginator(Paginator):
    """Counts and pages for big PostgreSQL tables.

    - count: a list of a big table is counted from the planner's estimate (pg_class for the whole table,
      EXPLAIN for a filtered list); when the estimate is small, the count is exact.
    - page: a deep page first takes the page's primary keys from the index alone, then loads those rows
      with their joins (a plain OFFSET would join every skipped row)."""

    @cached_property
    def count(self):
        qs = self.object_list
        if isinstance(qs, QuerySet) and connections[qs.db].vendor == "postgresql":
            estimate = self._estimate(qs)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate
        return super().count

    @staticmethod
    def _estimate(qs: QuerySet) -> int | None:
        with connections[qs.db].cursor() as cursor:
            if not qs.query.where:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table])
                row = cursor.fetchone()
                return int(row[0]) if row and row[0] and row[0] > 0 else None
            sql, params = qs.order_by().values("pk").query.sql_with_params()
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

    def page(self, number):
        qs = self.object_list
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not isinstance(qs, QuerySet) or bottom < DEFERRED_JOIN_FROM:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(qs.values_list("pk", flat=True)[bottom:top])
        # Same ordering, so the rows come back in page order; still a queryset (list_editable needs one).
        return self._get_page(qs.filter(pk__in=keys), number, self)


class QuickLinkChangeList(ChangeList):
    """A row's link reversed once per page, each row's key put in (a reverse() per row is ~0.1 ms)."""

    def url_for_result(self, result):
        if not hasattr(self, "_result_url"):
            url = reverse("admin:%s_%s_change" % (self.opts.app_label, self.opts.model_name), args=("0",),
                          current_app=self.model_admin.admin_site.name)
            self._result_url = url.rpartition("/0/")
        head, _zero, tail = self._result_url
        return f"{head}/{quote(getattr(result, self.pk_attname))}/{tail}"


class LargeTableAdminMixin:
    """Use on ModelAdmins of tables that grow without bound.

    `exact_search_fields` are tried first with `=`, one field at a time so each query can use its index
    (they must be indexed); only when none matches does the admin fall back to its `search_fields`
    (icontains)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50  # rendering costs ~1 ms a row; 50 rows fill a counter screen
    exact_search_fields: tuple[str, ...] = ()

    def get_changelist(self, request, **kwargs):
        return QuickLinkChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        for field in self.exact_search_fields if term else ():
            exact = queryset.filter(**{field: term})
            if exact.exists():
                return exact, False
        return super().get_search_results(request, queryset, search_term)


class ReadOnlyAdminMixin:
    """Ledgers and logs are append-only: readable, never added, changed or deleted in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """An inline that shows rows written by services (events, ledger lines): no add, change or delete."""

    extra = 0
    can_delete = False


def confirmation_page(request, *, title: str, lines: list[tuple[str, str]], action_url: str, cancel_url: str,
                      confirm_label: str, warning: str = ""):
    """The second step before anything irreversible (refund, voucher issue, redemption, card block and
    replacement…): what is about to happen, with the amounts, and one button that posts the same form
    again with `confirm=1`. Works without JavaScript; nothing is written until the user confirms."""
    from django.contrib import admin as django_admin
    from django.template.response import TemplateResponse

    fields = [(key, value) for key, values in request.POST.lists() if key not in ("csrfmiddlewaretoken", "confirm")
              for value in values]
    context = {**django_admin.site.each_context(request), "title": title, "lines": lines, "fields": fields,
               "action_url": action_url, "cancel_url": cancel_url, "confirm_label": confirm_label, "warning": warning}
    return TemplateResponse(request, "servicedesk/confirm.html", context)


def confirmed(request) -> bool:
    return request.POST.get("confirm") == "1"


def readable_parameters(parameters, *, labels: dict, values: dict | None = None) -> str:
    """An event's or a slip's JSON as words for people: each key by its translated label, each coded value
    by its label (statuses, steps, sources), lists joined, booleans as ✓/✗ — never a JSON blob."""
    from django.utils.html import format_html_join

    values = values or {}

    def word(key, value):
        if isinstance(value, bool):
            return "✓" if value else "✗"
        if isinstance(value, list | tuple):
            return ", ".join(str(word(key, v)) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{labels.get(k, k)} {word(k, v)}" for k, v in value.items())
        return values.get(key, {}).get(value, value)

    items = [(labels.get(k, k), word(k, v)) for k, v in (parameters or {}).items()]
    return format_html_join("", "<span class=\"desk-param\">{}: {}</span> ", items) if items else "—"


def _current_request():
    """The request being served (simple_history's HistoryRequestMiddleware keeps it for the whole
    response, template rendering included); None outside a request."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def install_permitted_admin_links() -> None:
    """Links only to pages the user may open (issue 15): a read-only foreign key on an admin page (the
    card's "issued by", a slip's signers, a ticket's department…) links to the related record's page only
    when the viewer may view it there; otherwise it is plain text, never a link to a 403. Called once from
    ServicedeskConfig.ready()."""
    from django.contrib.admin import helpers

    original = helpers.AdminReadonlyField.get_admin_url
    if getattr(original, "desk_permitted", False):
        return

    def get_admin_url(self, remote_field, remote_obj):
        request = _current_request()
        if request is not None:
            related_admin = self.model_admin.admin_site._registry.get(remote_field.model) if self.model_admin else None
            if related_admin is None or not related_admin.has_view_or_change_permission(request, remote_obj):
                return str(remote_obj)
        return original(self, remote_field, remote_obj)

    get_admin_url.desk_permitted = True
    helpers.AdminReadonlyField.get_admin_url = get_admin_url
