"""Factories of the broadcast booth (one per model)."""

from datetime import timedelta

import factory
from django.utils import timezone

from broadcast.models import (
    AirLogEntry,
    BoothHandover,
    DayHours,
    EquipmentMaintenance,
    PlanItem,
    PlanVersion,
    Promotion,
    Script,
    UrgentInsert,
)
from tests.factories.servicedesk import StaffUserFactory


class ScriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Script

    title = factory.Sequence(lambda n: f"播音稿 {n}")
    kind = "promotion"
    text = "欢迎光临 / 本商场，// **全场八折**。"
    status = "draft"
    author = factory.SubFactory(StaffUserFactory, role="announcer")


class ApprovedScriptFactory(ScriptFactory):
    status = "approved"
    reviewed_by = factory.SubFactory(StaffUserFactory, role="desk_supervisor")
    reviewed_at = factory.LazyFunction(timezone.now)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    name = factory.Sequence(lambda n: f"计划 {n}")
    effective_from = factory.LazyFunction(timezone.localdate)


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    version = factory.SubFactory(PlanVersionFactory)
    at = factory.LazyFunction(lambda: timezone.localtime().time().replace(second=0, microsecond=0))
    title = factory.Sequence(lambda n: f"节目 {n}")
    anchor = "clock"


class DayHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DayHours

    day = factory.LazyFunction(timezone.localdate)
    opening = factory.LazyFunction(lambda: timezone.datetime(2000, 1, 1, 9, 0).time())
    closing = factory.LazyFunction(lambda: timezone.datetime(2000, 1, 1, 21, 30).time())


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promotion

    title = factory.Sequence(lambda n: f"促销 {n}")
    script = factory.SubFactory(ApprovedScriptFactory)
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    every_minutes = 7
    created_by = factory.SubFactory(StaffUserFactory, role="desk_supervisor")


class UrgentInsertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UrgentInsert

    kind = "lost_child"
    priority = 2
    text = "一位小朋友正在服务台等候家长。"
    raised_by = factory.SubFactory(StaffUserFactory, role="clerk")
    raised_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.raised_at + timedelta(minutes=15))


class AirLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AirLogEntry

    aired_at = factory.LazyFunction(timezone.now)
    day = factory.LazyAttribute(lambda o: timezone.localdate(o.aired_at))
    kind = "other"
    title = factory.Sequence(lambda n: f"播出 {n}")
    by = factory.SubFactory(StaffUserFactory, role="announcer")


class BoothHandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoothHandover

    shift_date = factory.LazyFunction(timezone.localdate)
    shift = "early"
    notes = "设备正常。"
    written_by = factory.SubFactory(StaffUserFactory, role="announcer")


class EquipmentMaintenanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentMaintenance

    equipment = "功放"
    kind = "inspection"
    done_at = factory.LazyFunction(timezone.now)
    description = "开机检查。"
    done_by = factory.SubFactory(StaffUserFactory, role="announcer")
