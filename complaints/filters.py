"""FilterSets of the complaints desk (API lists; the same names as the admin list filters)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ComplaintStatus
from .models import Complaint


class ComplaintFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__code")
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Routing or feedback clock has run out (R-CMP-2)"))

    class Meta:
        model = Complaint
        fields = ["status", "type", "channel", "escalation_level", "serious", "consumer_association", "product_safety",
                  "phone", "card_number", "satisfaction", "typical_case"]

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        late = Q(status=ComplaintStatus.AWAITING_ROUTING, route_by__lte=now) | Q(
            status=ComplaintStatus.AWAITING_FEEDBACK, feedback_by__lte=now)
        if value is None:
            return queryset
        return queryset.filter(late) if value else queryset.exclude(late)
