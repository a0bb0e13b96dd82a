"""The complaint queue's default order, time left first (complaints/ordering.py: the running clock's
deadline, NULLS LAST, then newest first), served by an expression index on PostgreSQL: without it every
page of the list sorts the whole table (210 ms at 200k tickets; with it, an index scan like the plain
received_at order). SQLite (development, tests) cannot index NULLS LAST: nothing is created there."""

from django.db import migrations

INDEX_SQL = """
CREATE INDEX IF NOT EXISTS cmp_time_left ON complaints_complaint (
    (CASE WHEN status = 'awaiting_routing' THEN route_by
          WHEN status = 'awaiting_feedback' THEN feedback_by
          ELSE NULL END) ASC NULLS LAST,
    received_at DESC, id DESC)
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cmp_time_left")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_numbering_service")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
