"""Cards keep half of each table page free (PostgreSQL fillfactor 50, from 80; issue 16, README decision 61).

The annual rebate updates every card, all the rows of a page in one statement. At 80 only a quarter of a
page's rows found room for their new version beside them; the rest moved to another page through each of
the table's indexes: the rebate's card update took 360–440 ms a 20,000-card chunk, 141 ms at 50, and the
whole rebate at 1M cards 38.2 s → 20.1 s. A yearly update of every row leaves a table twice its packed size
at any fillfactor once vacuum has run (the moved rows' old places stay free), so the room costs little
disk beyond what the rebate takes anyway; the feed's single updates stay HOT as they were at 80.

Setting it is instant and rewrites nothing (as 0010): an existing table gets it for every row after one
`VACUUM FULL members_card` (or pg_repack) in a quiet hour."""

from django.db import migrations


def half_page_free(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_card SET (fillfactor = 50)")


def fifth_page_free(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_card SET (fillfactor = 80)")


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0011_ledger_partial_indexes"),
    ]

    operations = [
        migrations.RunPython(half_page_free, fifth_page_free),
    ]
