"""Indexes written only where they are read (issue 16: the annual rebate writes 2M ledger lines and updates
every card).

- The ledger's receipt and user indexes become partial (WHERE … IS NOT NULL): every lookup is by a given
  receipt or user, which implies NOT NULL, and most lines have one of them empty (a fed earn line has no
  user, a rebate line neither). The stock AlterField would drop and re-add the foreign keys too, which
  re-checks the whole ledger under an exclusive lock: only the indexes are dropped (RunSQL). Creating the
  partial ones reads the table once (seconds at 10M rows, writes wait meanwhile).
- On PostgreSQL the cards drop the varchar_pattern_ops copies of card_number and status (`…_like`, for
  LIKE 'prefix%'): both are compared whole (the admin's exact search, the feed's lookup, status filters).
  Every card update that leaves its page — most of the rebate's — wrote them too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LEDGER_INDEXES = {"receipt_id": "members_pointsentry_receipt_id_457cc927", "by_id": "members_pointsentry_by_id_d051ff9d"}
CARD_LIKE = {"card_number": "members_card_card_number_def0f7bb_like", "status": "members_card_status_cdc97d82_like"}


def drop_card_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in CARD_LIKE.values():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_card_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column, name in CARD_LIKE.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON members_card ({column} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0010_card_fillfactor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="pointsentry",
                    name="by",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to=settings.AUTH_USER_MODEL, verbose_name="by"),
                ),
                migrations.AlterField(
                    model_name="pointsentry",
                    name="receipt",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to="receipts.receipt", verbose_name="receipt"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "members_pointsentry" ("{column}")',
                )
                for column, name in LEDGER_INDEXES.items()
            ],
        ),
        migrations.AddIndex(
            model_name="pointsentry",
            index=models.Index(condition=models.Q(receipt__isnull=False), fields=["receipt"], name="entry_receipt_set"),
        ),
        migrations.AddIndex(
            model_name="pointsentry",
            index=models.Index(condition=models.Q(by__isnull=False), fields=["by"], name="entry_by_set"),
        ),
        migrations.RunPython(drop_card_like, create_card_like),
    ]
