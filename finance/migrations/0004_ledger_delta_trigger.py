"""PostgreSQL only: keep the points and stored-value ledgers' monthly aggregates current in the writers'
transaction (finance/aggregates.py). A statement-level trigger on members_pointsentry adds one
finance_ledgerdelta row per (ledger, store-local month, kind) of each INSERT statement (a 1,000,000-row
import adds a handful of rows; one accrual adds one). Existing entries are counted once here, with the
table locked against writers, and those two ledgers leave the id-cursor settling."""

from django.conf import settings
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION finance_pointsentry_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO finance_ledgerdelta (ledger, month, kind, rows, inflow, outflow)
    SELECT CASE WHEN n.wallet = 'stored_value' THEN 'stored_value' ELSE 'points' END,
           to_char(n.at AT TIME ZONE %(zone)s, 'YYYY-MM'),
           CASE WHEN n.wallet = 'stored_value' THEN n.kind ELSE n.wallet || '.' || n.kind END,
           count(*),
           sum(CASE WHEN n.wallet = 'stored_value' THEN greatest(n.amount, 0) ELSE greatest(n.points, 0) END),
           sum(CASE WHEN n.wallet = 'stored_value' THEN greatest(-n.amount, 0) ELSE greatest(-n.points, 0) END)
    FROM new_rows n WHERE n.wallet IN ('dept', 'market', 'stored_value')
    GROUP BY 1, 2, 3;
    RETURN NULL;
END $$;
"""
TRIGGER = """
CREATE TRIGGER finance_pointsentry_delta AFTER INSERT ON members_pointsentry
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finance_pointsentry_delta();
"""
SEED = """
INSERT INTO finance_ledgerdelta (ledger, month, kind, rows, inflow, outflow)
SELECT CASE WHEN e.wallet = 'stored_value' THEN 'stored_value' ELSE 'points' END,
       to_char(e.at AT TIME ZONE %(zone)s, 'YYYY-MM'),
       CASE WHEN e.wallet = 'stored_value' THEN e.kind ELSE e.wallet || '.' || e.kind END,
       count(*),
       sum(CASE WHEN e.wallet = 'stored_value' THEN greatest(e.amount, 0) ELSE greatest(e.points, 0) END),
       sum(CASE WHEN e.wallet = 'stored_value' THEN greatest(-e.amount, 0) ELSE greatest(-e.points, 0) END)
FROM members_pointsentry e WHERE e.wallet IN ('dept', 'market', 'stored_value')
GROUP BY 1, 2, 3;
"""
LEDGERS = ("points", "stored_value")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    zone = "'" + settings.TIME_ZONE.replace("'", "''") + "'"  # a literal in the function body
    with schema_editor.connection.cursor() as cur:
        cur.execute("LOCK TABLE members_pointsentry IN SHARE MODE")  # no entry is written while counting
        cur.execute(FUNCTION.replace("%(zone)s", zone))
        cur.execute(TRIGGER)
        cur.execute("DELETE FROM finance_ledgertotal WHERE ledger = ANY(%s)", [list(LEDGERS)])
        cur.execute("DELETE FROM finance_ledgercursor WHERE ledger = ANY(%s)", [list(LEDGERS)])
        cur.execute(SEED.replace("%(zone)s", "%s"), [settings.TIME_ZONE])


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("DROP TRIGGER IF EXISTS finance_pointsentry_delta ON members_pointsentry")
        cur.execute("DROP FUNCTION IF EXISTS finance_pointsentry_delta()")
        # Back to settling by id from the first entry.
        cur.execute("DELETE FROM finance_ledgerdelta WHERE ledger = ANY(%s)", [list(LEDGERS)])
        cur.execute("DELETE FROM finance_ledgertotal WHERE ledger = ANY(%s)", [list(LEDGERS)])
        cur.execute("DELETE FROM finance_ledgercursor WHERE ledger = ANY(%s)", [list(LEDGERS)])


class Migration(migrations.Migration):
    dependencies = [("finance", "0003_ledger_delta"), ("members", "0006_merge_20261202_0837")]
    operations = [migrations.RunPython(install, uninstall)]
