"""FilterSets of the invoices desk (API lists): search by invoice number, receipt number or buyer."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import LossStatus
from .models import Invoice, InvoiceLoss

SIDES = ("dept", "market")


def invoice_search(queryset, term: str):
    """Exact invoice number, then exact receipt number (each on its index), then the buyer's name."""
    term = (term or "").strip()
    if not term:
        return queryset
    # side__in lets the receipt lookup use the (side, number) unique index
    for condition in (Q(number=term), Q(receipt_parts__receipt__side__in=SIDES, receipt_parts__receipt__number=term)):
        exact = queryset.filter(condition)
        if exact.exists():
            return exact.distinct()
    return queryset.filter(buyer__icontains=term)


class InvoiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Invoice number, receipt number or buyer"))
    book = django_filters.CharFilter(field_name="book__code")
    receipt = django_filters.CharFilter(field_name="receipt_parts__receipt__number", distinct=True)
    buyer = django_filters.CharFilter(field_name="buyer", lookup_expr="icontains")
    issued_after = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="lt")
    stub_handed = django_filters.BooleanFilter(field_name="stub_handed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Invoice
        fields = ["status", "number"]

    def filter_q(self, queryset, name, value):
        return invoice_search(queryset, value)


class InvoiceLossFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label=_("Past the notice deadline without a notice (R-INV-7)"))
    book = django_filters.CharFilter(field_name="book__code")

    class Meta:
        model = InvoiceLoss
        fields = ["status", "blank"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=[LossStatus.AWAITING_SIGNATURE, LossStatus.AWAITING_NOTICE],
                 notice_due__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
