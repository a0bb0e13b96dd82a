import datetime
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    DeskPolicy = apps.get_model("desk", "DeskPolicy")
    # R-DESK-3 defaults; the store edits them as new versions in the admin.
    DeskPolicy.objects.get_or_create(effective_from=datetime.date(2000, 1, 1), defaults={
        "umbrella_deposit": Decimal("20.00"), "umbrella_loan_days": 3, "umbrella_forfeit_days": 30,
        "lost_property_holding_days": 90})


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
