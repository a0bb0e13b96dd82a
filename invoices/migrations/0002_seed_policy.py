"""Seed the invoice policy with the rules' defaults (domain-rules.md §5; seeds/004 发票管理)."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    InvoicePolicy = apps.get_model("invoices", "InvoicePolicy")
    if InvoicePolicy.objects.exists():
        return
    InvoicePolicy.objects.create(
        effective_from=date(2000, 1, 1),
        time_limit_days=30,  # R-INV-4
        within_month=True,  # R-INV-4: not across the calendar month end
        notice_days=7,  # R-INV-7
        report_day=3,  # R-INV-8
        low_remaining=10,
        note="按发票管理规定默认值",
    )


class Migration(migrations.Migration):
    dependencies = [("invoices", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
