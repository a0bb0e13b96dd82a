import factory
from django.utils import timezone

from complaints.models import Complaint, Department, SupplierContact
from tests.factories.servicedesk import StaffUserFactory


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    feedback_hours = 48


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A ticket as intake leaves it (use services.complaint_receive when numbering matters)."""

    class Meta:
        model = Complaint

    number = factory.Sequence(lambda n: f"TS-20260101-{n + 1:04d}")
    channel = "visit"
    received_at = factory.LazyFunction(timezone.now)
    customer_name = "王芳"
    phone = "13800138000"
    type = "quality"
    cause = "羊毛大衣穿了一次就起球"
    request = "退货"
    recorded_by = factory.SubFactory(StaffUserFactory, role="clerk")
    route_by = factory.LazyAttribute(lambda o: o.received_at + timezone.timedelta(hours=24))


class SupplierContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierContact

    complaint = factory.SubFactory(ComplaintFactory)
    supplier = "某某服饰有限公司"
    contacted_at = factory.LazyFunction(timezone.now)
    summary = "供应商同意上门取回检测"
    recorded_by = factory.SubFactory(StaffUserFactory, role="clerk")
