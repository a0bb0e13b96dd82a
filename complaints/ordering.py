"""Lists sort by time left (issue 15): the clock running now as a SQL expression, so the queue, the home
tile and any list put the overdue tickets first."""

from __future__ import annotations

from django.db.models import Case, DateTimeField, F, QuerySet, Value, When

from .choices import ComplaintStatus


def clock_due_expression():
    """Complaint.due_at in SQL: the deadline of the clock running now (R-CMP-2), NULL when none runs."""
    return Case(When(status=ComplaintStatus.AWAITING_ROUTING, then=F("route_by")),
                When(status=ComplaintStatus.AWAITING_FEEDBACK, then=F("feedback_by")),
                default=Value(None), output_field=DateTimeField())


# soonest due first (so the most overdue on top), tickets with no running clock after them, newest first
TIME_LEFT_ORDER = (F("clock_due").asc(nulls_last=True), "-received_at", "-id")


def by_time_left(qs: QuerySet) -> QuerySet:
    return qs.annotate(clock_due=clock_due_expression()).order_by(*TIME_LEFT_ORDER)
