"""The points ledger writes two indexes fewer on every insert (issue 16): the card's own index, which
entry_card_recent (card, -id) already serves, and on PostgreSQL the reference's varchar_pattern_ops copy
(`…_like`, made for LIKE 'prefix%'): the ledger's reference is looked up whole (the admin's exact search,
an idempotency check), which the plain index serves. Dropping an index is instant; nothing is rebuilt."""

import django.db.models.deletion
from django.db import migrations, models

LIKE_INDEX = "members_pointsentry_reference_13f586ac_like"


def drop_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIKE_INDEX}")


def create_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX} ON members_pointsentry "
                              "(reference varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0008_merge_labels_statistics"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pointsentry",
            name="card",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="entries", to="members.card", verbose_name="card"),
        ),
        migrations.RunPython(drop_like_index, create_like_index),
    ]
