import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    GiftPolicy = apps.get_model("gifts", "GiftPolicy")
    GiftPolicy.objects.get_or_create(effective_from=dt.date(2000, 1, 1), defaults={
        "low_stock_threshold": 10, "ending_soon_days": 3, "birthday_offer_days": 0, "variance_reminder_hours": 24,
        "note": "defaults (domain-rules.md §4)"})


class Migration(migrations.Migration):
    dependencies = [("gifts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
