"""Multi-row INSERTs without the ORM's per-call query compilation (issue 16: on the till feed, compiling
`bulk_create` cost more than the database did). For append-only rows whose primary keys nobody reads back
(receipt lines, ledger lines, receipt points): each field's own `pre_save` and `get_db_prep_save` give
the values, so what lands in the table is what `bulk_create` would have written.

`write_behind()`: inside the ingest transaction, those statements — and the stored answer's UPDATE — are
kept and sent together just before the commit, in one round trip (PostgreSQL's simple query protocol runs
several statements separated by `;`; Django's PostgreSQL cursor binds parameters on the client, so each is
rendered exactly as it would have been sent alone). They are writes nothing in the same transaction reads
back: a hook that needs to read its own rows must not write them through here. An error in any of them
fails the flush and the whole transaction rolls back, as it would have one statement earlier."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections

_COLUMNS: dict = {}
UNNEST_FROM = 20  # rows from which arrays beat a VALUES list on PostgreSQL (measured on the till feed and batch)
_pending = threading.local()  # per thread, as Django's connections are (gthread workers)


@contextmanager
def write_behind():
    """Keep the write-behind statements of the block; send them at its end. Use it inside the transaction
    (`with transaction.atomic(), write_behind():`), so they are flushed before the commit. Nested: the
    outermost block flushes."""
    if getattr(_pending, "statements", None) is not None:
        yield
        return
    _pending.statements = []
    try:
        yield
        statements = _pending.statements
    finally:
        _pending.statements = None  # on an error nothing is sent: the transaction rolls back anyway
    _send(statements)


def deferred_execute(sql: str, params: list) -> None:
    """Run a statement whose result nobody reads: now, or at the end of the open write_behind() block."""
    statements = getattr(_pending, "statements", None)
    if statements is None:
        _send([(sql, params)])
    else:
        statements.append((sql, params))


def _send(statements: list) -> None:
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            raw = cursor.cursor  # psycopg's client-binding cursor: the statement as it would be sent alone
            cursor.execute("; ".join(raw.mogrify(sql, params) for sql, params in statements))
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


def _insert_head(model) -> tuple[str, list]:
    key = (connection.vendor, model)
    if key not in _COLUMNS:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608
        _COLUMNS[key] = (head, fields)
    return _COLUMNS[key]


def unnest_columns(fields) -> str:
    """`unnest(%s::type[], …)` of these fields (PostgreSQL): a column a parameter, each a list of values."""
    return f"unnest({', '.join(f'%s::{f.db_type(connection)}[]' for f in fields)})"


def _unnest_head(model) -> tuple[str, list]:
    key = ("unnest", model)
    if key not in _COLUMNS:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        _COLUMNS[key] = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
                         f"SELECT * FROM {unnest_columns(fields)}", fields)
    return _COLUMNS[key]


def rows_insert(model, objs: list) -> None:
    """INSERT every object of `model` in one statement (no primary keys come back); write-behind.
    PostgreSQL takes the rows as one array a column (`INSERT … SELECT * FROM unnest(…)`): a few parameters
    whatever the number of rows, where a VALUES list of a 500-receipt batch made psycopg scan 30,000
    placeholders (a fifth of the batch's time). A few rows (one till receipt) stay a VALUES list: psycopg
    renders arrays in Python, which costs more than a handful of placeholders."""
    if not objs:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: each field reads it, the proxy costs a lookup a read
    if conn.vendor == "postgresql" and len(objs) >= UNNEST_FROM:
        head, fields = _unnest_head(model)
        columns = [[f.get_db_prep_save(f.pre_save(obj, True), conn) for obj in objs] for f in fields]
        deferred_execute(head, columns)
        return
    head, fields = _insert_head(model)
    row = f"({', '.join(['%s'] * len(fields))})"
    params = []
    for obj in objs:
        params += [f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields]
    # SQLite caps the parameters of one statement (32,766 since 3.32): chunk well below it
    per = max(1, 30000 // len(fields)) if conn.vendor == "sqlite" else len(objs)
    width = len(fields)
    for start in range(0, len(objs), per):
        chunk = objs[start:start + per]
        deferred_execute(head + ", ".join([row] * len(chunk)), params[start * width:(start + len(chunk)) * width])
