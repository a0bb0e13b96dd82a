import django_filters

from .models import ReturnRequest


class ReturnRequestFilter(django_filters.FilterSet):
    receipt_number = django_filters.CharFilter(field_name="receipt__number")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ReturnRequest
        fields = ["status", "reason", "kind", "approval_level", "number", "responsible_counter"]
