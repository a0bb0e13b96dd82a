"""Seed the return policy with the manual's numbers (seeds/004, 六、退换货管理规定)."""

from datetime import date
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    ReturnPolicy = apps.get_model("returns", "ReturnPolicy")
    if ReturnPolicy.objects.exists():
        return
    ReturnPolicy.objects.create(
        effective_from=date(2000, 1, 1),
        change_of_mind_days={"clothing_summer": 7, "clothing": 15, "cosmetics": 7},  # 六.6 (cosmetics: unopened)
        quality_days={"toys": 15, "shoes_leather": 60, "shoes_other": 30},  # 六.7, 六.8
        excluded_categories=["underwear", "jewellery", "watches_imported", "fur"],  # 六.4
        opened_excluded_categories=["cosmetics"],  # 六.4 开封使用过的化妆品
        high_value_unit_price=Decimal("2000.00"),  # 六.5
        price_change_days=15,  # 六.9
        approval_threshold=Decimal("300.00"),  # 流程 7
        point_cash_value_dept=Decimal("0.0100"),  # 百货积分返利 1% (1 分 = 0.01 元)
        point_cash_value_market=Decimal("0.0400"),  # 超市 250 分兑 10 元
        note="按《退换货管理规定》默认值",
    )


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
