"""Factories of gifts/. Stock goes in through the service (a delivery), never by setting on_hand, so the
ledger check after every test stays clean."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from gifts.models import GiftCampaign, GiftItem, GiftPolicy


class GiftPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftPolicy
        django_get_or_create = ("effective_from",)

    effective_from = dt.date(2000, 1, 1)


class GiftItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftItem

    code = factory.Sequence(lambda n: f"G-ITEM-{n:03d}")
    name = "折叠伞"
    unit_value = Decimal("39.00")


class GiftCampaignFactory(factory.django.DjangoModelFactory):
    """Default: "500 clothing → 1 umbrella" this month on the department-store side."""

    class Meta:
        model = GiftCampaign

    code = factory.Sequence(lambda n: f"C-TEST-{n:03d}")
    name = "满500元服装送折叠伞"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    side = "dept"
    categories = factory.LazyFunction(lambda: ["clothing"])
    min_spend = Decimal("500.00")
    gift_item = factory.SubFactory(GiftItemFactory)
    quantity = 1


def stock(item: GiftItem, quantity: int, *, user, note: str | None = None) -> GiftItem:
    """Put `quantity` units in through a delivery note (R-GIFT-1)."""
    from gifts.services import gift_delivery_receive

    gift_delivery_receive(item=item.code, quantity=quantity, note_number=note or f"PS-{item.code}-{quantity}-"
                          f"{GiftItem.objects.get(pk=item.pk).entries.count()}", delivered_by="服装部 李师傅", user=user)
    item.refresh_from_db()
    return item
