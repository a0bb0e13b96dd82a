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

import datetime as dt
import json
import threading
from contextlib import contextmanager
from decimal import Decimal
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from psycopg.types.json import Jsonb

_COLUMNS: dict = {}
ROWSET_FROM = 20  # rows from which one JSON parameter beats a VALUES list on PostgreSQL (measured on the feed and batch)
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


def _json_default(value):
    """A field's database value as JSON: numbers and times as their exact text (PostgreSQL parses them with the
    column's type), a JSON column as the text its own encoder makes (cast to jsonb in SQL)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Jsonb):
        return (value.dumps or json.dumps)(value.obj)
    raise TypeError(f"no JSON form for {type(value).__name__}")


def rowset_param(rows: list) -> str:
    """Rows of database values (`get_db_prep_save`) as one JSON array of arrays: one parameter whatever the
    number of rows, encoded in C. Arrays (`unnest(%s::text[])`) cost more than the database did: psycopg
    renders and escapes them element by element in Python (a 500-receipt batch: a fifth of its time)."""
    return json.dumps(rows, default=_json_default, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _cast(field) -> str:
    """The type a value is read as: text for character columns (the INSERT's own cast then refuses a value too
    long, as a plain INSERT does, where an explicit `::varchar(n)` would cut it), jsonb for JSON."""
    if field.get_internal_type() == "JSONField":
        return "jsonb"
    db_type = field.db_type(connection)
    return "text" if db_type.startswith("varchar") else db_type


def rowset_values(fields, alias: str = "r", start: int = 0) -> list[str]:
    """The expressions that read each row `alias` of a rowset_param (`jsonb_array_elements(%s::jsonb) AS alias`)
    as these fields' values, from its element `start` on (PostgreSQL)."""
    return [f"({alias}->>{n})::{_cast(f)}" for n, f in enumerate(fields, start)]


def rowset_columns(fields, alias: str = "r") -> str:
    """The SELECT list of rowset_values, in order."""
    return ", ".join(rowset_values(fields, alias))


# The stock field types whose database value on PostgreSQL is the attribute's own value when it already has
# the type below (their get_db_prep_save: to_python of such a value is the value, and the PostgreSQL
# adapt_*_value functions answer their argument).
_PLAIN = {models.CharField: str, models.TextField: str, models.IntegerField: int, models.PositiveIntegerField: int,
          models.PositiveSmallIntegerField: int, models.SmallIntegerField: int, models.BigIntegerField: int,
          models.BooleanField: bool, models.DecimalField: Decimal, models.DateField: dt.date}


def value_reader(field, conn, pre_save: bool = True):
    """obj → the value `field.get_db_prep_save(field.pre_save(obj, True), conn)` gives (without pre_save: of the
    attribute as it is), for PostgreSQL. A stock field holding a value of its own type (an aware datetime, a
    key's int, a dict for JSON…) answers it without the four calls of the ORM's chain (issue 16: a batch's
    106,000 calls, a fifth of its Python time); any other value, field or vendor goes through the field."""
    attname = field.attname

    def by_field(obj):
        value = field.pre_save(obj, True) if pre_save else getattr(obj, attname)
        return field.get_db_prep_save(value, conn)

    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    if conn.vendor != "postgresql" or (pre_save and auto):
        return by_field
    kind = type(field)
    if kind is models.DateTimeField:
        def read_datetime(obj):
            value = getattr(obj, attname)
            if value is None or (type(value) is dt.datetime and value.tzinfo is not None):
                return value
            return by_field(obj)  # naive, or not a datetime: the field warns or converts as it always did

        return read_datetime
    if kind is models.JSONField:
        dumps = json.dumps if field.encoder is None else partial(json.dumps, cls=field.encoder)

        def read_json(obj):  # what the PostgreSQL adapt_json_value makes of a plain dict or list
            value = getattr(obj, attname)
            return Jsonb(value, dumps=dumps) if type(value) in (dict, list) else by_field(obj)

        return read_json
    if kind in (models.ForeignKey, models.OneToOneField) and type(field.target_field) in (models.AutoField,
                                                                                         models.BigAutoField):
        plain = int
    else:
        plain = _PLAIN.get(kind)
    if plain is None:
        return by_field

    def read(obj):
        value = getattr(obj, attname)
        return value if value is None or type(value) is plain else by_field(obj)

    return read


def field_readers(fields, pre_save: bool = True) -> list:
    """value_reader of each field, once a process (and vendor)."""
    conn = connections[DEFAULT_DB_ALIAS]
    key = ("readers", conn.vendor, pre_save, tuple(fields))
    if key not in _COLUMNS:
        _COLUMNS[key] = [value_reader(f, conn, pre_save) for f in fields]
    return _COLUMNS[key]


def _rowset_head(model) -> tuple[str, list]:
    key = ("rowset", model)
    if key not in _COLUMNS:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        _COLUMNS[key] = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
                         f"SELECT {rowset_columns(fields)} FROM jsonb_array_elements(%s::jsonb) AS r", field_readers(fields))
    return _COLUMNS[key]


def rows_insert(model, objs: list) -> None:
    """INSERT every object of `model` in one statement (no primary keys come back); write-behind.
    PostgreSQL takes many rows as one JSON parameter (rowset_param): where a VALUES list of a 500-receipt
    batch made psycopg scan 30,000 placeholders. A few rows (one till receipt) stay a VALUES list."""
    if not objs:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: each field reads it, the proxy costs a lookup a read
    if conn.vendor == "postgresql" and len(objs) >= ROWSET_FROM:
        head, readers = _rowset_head(model)
        deferred_execute(head, [rowset_param([[read(obj) for read in readers] for obj in objs])])
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
