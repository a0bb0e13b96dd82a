"""Admin building blocks for big tables (performance.md): no exact COUNT(*) over millions of rows, no
deep OFFSET dragging joins along, and exact matches on indexed keys (card number, receipt number, phone)
before any icontains."""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
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


class LargeTableAdminMixin:
    """Use on ModelAdmins of tables that grow without bound.

    `exact_search_fields` are tried first with `=`, one field at a time so each query can use its index
    (they must be indexed); only when none matches does the admin fall back to its `search_fields`
    (icontains)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50  # rendering costs ~1 ms a row; 50 rows fill a counter screen
    exact_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        for field in self.exact_search_fields if term else ():
            exact = queryset.filter(**{field: term})
            if exact.exists():
                return exact, False
        return super().get_search_results(request, queryset, search_term)


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows written by services (events, ledger lines): no add, change or delete."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Ledgers and logs are append-only: readable, never added, changed or deleted in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
