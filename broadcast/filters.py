"""FilterSets of the broadcast booth (API lists): `q` searches the words, the rest filter exactly."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import AirLogEntry, BoothHandover, EquipmentMaintenance, Promotion, Script, UrgentInsert


def _tz():
    from .selectors import store_tz

    return store_tz()


class _DayMixin:
    def _on_day(self, queryset, field, value):
        start = datetime.combine(value, time(0, 0), tzinfo=_tz())
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": start + timedelta(days=1)})


class ScriptFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search title and text"))
    author = django_filters.CharFilter(field_name="author__username")

    class Meta:
        model = Script
        fields = ["status", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class PromotionFilter(_DayMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search title"))
    on = django_filters.DateFilter(method="running_on", label=_("Running on (YYYY-MM-DD)"))

    class Meta:
        model = Promotion
        fields = ["active", "script"]

    def running_on(self, queryset, name, value):
        start = datetime.combine(value, time(0, 0), tzinfo=_tz())
        return queryset.filter(starts_at__lt=start + timedelta(days=1), ends_at__gte=start)


class UrgentInsertFilter(_DayMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search text and reference"))
    date = django_filters.DateFilter(method="raised_on", label=_("Raised on (YYYY-MM-DD)"))

    class Meta:
        model = UrgentInsert
        fields = ["status", "kind", "source_ref"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(text__icontains=value) | Q(source_ref__icontains=value))

    def raised_on(self, queryset, name, value):
        return self._on_day(queryset, "raised_at", value)


class AirLogFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(field_name="day", label=_("Day (YYYY-MM-DD)"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search title"))
    by = django_filters.CharFilter(field_name="by__username")

    class Meta:
        model = AirLogEntry
        fields = ["kind"]


class BoothHandoverFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="notes", lookup_expr="icontains", label=_("Search notes"))

    class Meta:
        model = BoothHandover
        fields = ["shift_date", "shift", "equipment_ok"]


class EquipmentMaintenanceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search equipment and description"))

    class Meta:
        model = EquipmentMaintenance
        fields = ["kind", "result", "equipment"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(equipment__icontains=value) | Q(description__icontains=value))
