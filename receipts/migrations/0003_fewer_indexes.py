"""Drop the indexes nothing reads (issue 16): each cost every stored receipt or line an index write.

- receipts.card_number (plain and LIKE): every lookup is by equality, served by receipt_card_recent.
- receiptline.counter (plain and LIKE): nothing filters lines by counter.
- receiptline.receipt_id: receipt_line_unique_no (receipt_id, line_no) serves every lookup by receipt. Only
  the index is dropped (RunSQL): the stock AlterField also drops and re-adds the foreign key, which on
  PostgreSQL re-checks every line under an exclusive lock while the tills wait.
"""

import django.db.models.deletion
from django.db import migrations, models

LINE_RECEIPT_INDEX = "receipts_receiptline_receipt_id_adbc93ef"  # Django's name for the FK's index, both vendors


class Migration(migrations.Migration):

    dependencies = [
        ("receipts", "0002_receipt_response"),
    ]

    operations = [
        migrations.AlterField(
            model_name="receipt",
            name="card_number",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="card number"),
        ),
        migrations.AlterField(
            model_name="receiptline",
            name="counter",
            field=models.CharField(max_length=40, verbose_name="counter"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="receiptline",
                    name="receipt",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="lines", to="receipts.receipt", verbose_name="receipt"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{LINE_RECEIPT_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{LINE_RECEIPT_INDEX}" ON "receipts_receiptline" ("receipt_id")',
                ),
            ],
        ),
    ]
