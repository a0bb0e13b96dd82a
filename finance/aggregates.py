"""Monthly aggregates kept current in the writers' transaction (PostgreSQL; the points and stored-value
ledgers, which take the desk's volume): a statement trigger (migration 0004) adds LedgerDelta rows in the
same transaction as the entries, so the month page's one read of LedgerTotal + LedgerDelta is current the
moment a writer commits, however big its import, and never scans a month. The settle task folds the deltas
into LedgerTotal. The other ledgers (and every ledger off PostgreSQL) keep the id-cursor settling of
services.ledger_totals_settle."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction

from servicedesk.extensions import LedgerMovement

KEPT_BY_TRIGGER = ("points", "stored_value")


def kept_current(ledger_name: str) -> bool:
    return connection.vendor == "postgresql" and ledger_name in KEPT_BY_TRIGGER


def movements(ledger_name: str) -> list[LedgerMovement]:
    """Every month's movements: the folded totals plus the deltas not folded yet, in one statement (one
    snapshot: a fold that commits meanwhile is seen whole or not at all)."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT month, kind, sum(rows), sum(inflow), sum(outflow) FROM (
                SELECT month, kind, rows, inflow, outflow FROM finance_ledgertotal WHERE ledger = %s
                UNION ALL
                SELECT month, kind, rows, inflow, outflow FROM finance_ledgerdelta WHERE ledger = %s) t
            GROUP BY month, kind ORDER BY month, kind""", [ledger_name, ledger_name])
        return [LedgerMovement(month=m, kind=k, rows=int(n), inflow=Decimal(i), outflow=Decimal(o))
                for m, k, n, i, o in cur.fetchall()]


def fold(ledger_name: str) -> int:
    """Move the ledger's deltas into LedgerTotal (one statement: deleted and added together); the rows folded."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("""
            WITH d AS (DELETE FROM finance_ledgerdelta WHERE ledger = %s RETURNING month, kind, rows, inflow, outflow),
            s AS (SELECT month, kind, sum(rows) AS rows, sum(inflow) AS inflow, sum(outflow) AS outflow
                  FROM d GROUP BY month, kind),
            up AS (INSERT INTO finance_ledgertotal (ledger, month, kind, rows, inflow, outflow)
                   SELECT %s, month, kind, rows, inflow, outflow FROM s
                   ON CONFLICT (ledger, month, kind) DO UPDATE SET rows = finance_ledgertotal.rows + excluded.rows,
                       inflow = finance_ledgertotal.inflow + excluded.inflow,
                       outflow = finance_ledgertotal.outflow + excluded.outflow)
            SELECT coalesce(sum(rows), 0) FROM s""", [ledger_name, ledger_name])
        return int(cur.fetchone()[0])
