"""Seed the membership policy with the defaults of domain-rules.md §1 (the store edits them in the admin)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import migrations

GENERAL = ["clothing_summer", "clothing", "cosmetics", "shoes_leather", "shoes_other", "hats", "children", "sports",
           "bedding", "crafts_gifts", "hair_accessories", "watches_domestic", "health", "toys", "fur", "underwear",
           "grocery", "fresh"]
LUXURY = ["jewellery", "jade", "watches_imported", "tobacco_alcohol", "tea"]
REBATE = [(1000, "1"), (3000, "2"), (6000, "3"), (10000, "4")]  # R-RBT-1
VOUCHERS = [(250, "10"), (600, "30"), (1000, "60"), (1500, "100"), (2500, "200"), (4000, "360"), (5000, "500")]  # R-RBT-2


def seed(apps, schema_editor):
    MemberPolicy = apps.get_model("members", "MemberPolicy")
    if MemberPolicy.objects.exists():
        return
    policy = MemberPolicy.objects.create(
        effective_from=dt.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")), note="domain-rules.md defaults"
    )
    CategoryRate = apps.get_model("members", "CategoryRate")
    CategoryRate.objects.bulk_create(
        [CategoryRate(policy=policy, category=c, full_yuan_per_point=Decimal("1"), special_yuan_per_point=Decimal("5"))
         for c in GENERAL]  # R-PTS-1 general goods: 1 yuan/pt full price, 5 yuan/pt special
        + [CategoryRate(policy=policy, category=c, full_yuan_per_point=Decimal("8"), special_yuan_per_point=Decimal("40"))
           for c in LUXURY]  # R-PTS-1 luxury: 8 (or 20 per counter) yuan/pt full price, 40 special
    )
    apps.get_model("members", "RebateBracket").objects.bulk_create(
        [apps.get_model("members", "RebateBracket")(policy=policy, min_points=p, percent=Decimal(v)) for p, v in REBATE]
    )
    VoucherRate = apps.get_model("members", "VoucherRate")
    VoucherRate.objects.bulk_create([VoucherRate(policy=policy, points=p, value=Decimal(v)) for p, v in VOUCHERS])
    apps.get_model("members", "CardStock").objects.get_or_create(pk=1, defaults={"on_hand": 0, "next_number": 1})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
