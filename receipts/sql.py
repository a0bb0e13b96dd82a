"""Multi-row INSERTs without the ORM's per-call query compilation (issue 16: on the till feed, compiling
`bulk_create` cost more than the database did). For append-only rows whose primary keys nobody reads back
(receipt lines, ledger lines, receipt points): each field's own `pre_save` and `get_db_prep_save` give
the values, so what lands in the table is what `bulk_create` would have written."""

from __future__ import annotations

from django.db import connection

_COLUMNS: dict = {}


def _insert_head(model) -> tuple[str, list]:
    key = (connection.vendor, model)
    if key not in _COLUMNS:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608
        _COLUMNS[key] = (head, fields)
    return _COLUMNS[key]


def rows_insert(model, objs: list) -> None:
    """INSERT every object of `model` in one statement (no primary keys come back)."""
    if not objs:
        return
    head, fields = _insert_head(model)
    row = f"({', '.join(['%s'] * len(fields))})"
    params = []
    for obj in objs:
        params += [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    # SQLite caps the parameters of one statement (32,766 since 3.32): chunk well below it
    per = max(1, 30000 // len(fields)) if connection.vendor == "sqlite" else len(objs)
    width = len(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per):
            chunk = objs[start:start + per]
            cursor.execute(head + ", ".join([row] * len(chunk)), params[start * width:(start + len(chunk)) * width])
