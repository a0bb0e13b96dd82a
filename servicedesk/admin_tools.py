"""Admin building blocks for big tables (performance.md): no exact COUNT(*) on huge unfiltered
lists, and exact matches on indexed keys (card number, receipt number, phone) before any icontains."""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 100_000


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, an unfiltered list of a big table is counted from the planner's statistics."""

    @cached_property
    def count(self):
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is not None and not query.where and connections[qs.db].vendor == "postgresql":
            with connections[qs.db].cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


class LargeTableAdminMixin:
    """Use on ModelAdmins of tables that grow without bound.

    `exact_search_fields` are tried first with `=` (they must be indexed); only when none matches does
    the admin fall back to its `search_fields` (icontains)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    exact_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term and self.exact_search_fields:
            condition = Q()
            for field in self.exact_search_fields:
                condition |= Q(**{field: term})
            exact = queryset.filter(condition)
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
