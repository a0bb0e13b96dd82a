"""Seed the finance policy (the store edits it in the admin): exports kept 30 days, months of up to 20,000
rows also download directly, progress saved every 5,000 rows."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations


def seed(apps, schema_editor):
    FinancePolicy = apps.get_model("finance", "FinancePolicy")
    if not FinancePolicy.objects.exists():
        FinancePolicy.objects.create(effective_from=dt.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
                                     export_keep_days=30, stream_max_rows=20000, progress_every_rows=5000,
                                     note="first version")


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
