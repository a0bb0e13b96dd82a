import factory

from desk.models import Brand, SupplyItem


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ["brand"]

    brand = factory.Sequence(lambda n: f"品牌{n}")
    floor = "1F"
    counter = factory.Sequence(lambda n: f"C-1F-{n:02d}")
    category = "化妆品"
    phone = "021-60001100"


class SupplyItemFactory(factory.django.DjangoModelFactory):
    """A free item with no stock (receive it through desk.services so the ledger stays whole)."""

    class Meta:
        model = SupplyItem
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"item-{n}")
    name = "针线包"
    kind = "sewing_kit"
    unit = "个"
    low_at = 5
