"""Pagination for API lists: cursor pagination, so deep pages and million-row tables cost the same
(no COUNT, no OFFSET). Lists answer `{"results": [...], "next": url|null, "previous": url|null}`."""

from rest_framework.pagination import CursorPagination


class DeskCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
