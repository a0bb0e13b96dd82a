"""Factories of the invoices app. Books and invoices are made through the services (the book row is the
counter, so a raw row would break the number accounting the suite checks after every test)."""

from decimal import Decimal

import factory
from django.utils import timezone

from invoices import services
from invoices.models import InvoiceBook, InvoicePolicy
from tests.factories.servicedesk import StaffUserFactory


class InvoicePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoicePolicy
        django_get_or_create = ("effective_from",)

    effective_from = factory.LazyFunction(lambda: timezone.localdate().replace(year=2000, month=1, day=1))
    time_limit_days = 30
    within_month = True
    notice_days = 7
    report_day = 3
    low_remaining = 10


class InvoiceBookFactory(factory.django.DjangoModelFactory):
    """`InvoiceBookFactory(first_number="04400001", count=50, face_limit=Decimal("10000.00"))`."""

    class Meta:
        model = InvoiceBook

    code = factory.Sequence(lambda n: f"B-TEST-{n:03d}")
    first_number = factory.Sequence(lambda n: f"{90000001 + n * 1000:08d}")
    count = 50
    face_limit = Decimal("10000.00")
    received_by = factory.SubFactory(StaffUserFactory, role="finance")

    @classmethod
    def _create(cls, model_class, *, code, first_number, count, face_limit, received_by, **kwargs):
        return services.invoice_book_receive(code=code, first_number=first_number, count=count, face_limit=face_limit,
                                             user=received_by, **kwargs)
