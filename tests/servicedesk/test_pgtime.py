"""PostgreSQL timestamps are parsed by psycopg's C loader and read back as Django's own loader reads them."""

import datetime as dt

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

needs_pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: run `make test-pg`")


@needs_pg
def test_the_connection_reads_timestamps_with_the_c_parser():
    from servicedesk.pgtime import TIMESTAMPTZ_OID, _CParsedTzLoader

    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0)
    assert issubclass(loader, _CParsedTzLoader) and loader.timezone == connection.timezone


@needs_pg
@pytest.mark.parametrize("value", [
    dt.datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=dt.UTC),
    dt.datetime(2026, 2, 28, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))),  # a Beijing-time value
    dt.datetime(1999, 1, 1, tzinfo=dt.UTC),
])
def test_values_read_back_as_the_same_instant_in_the_connection_zone(value):
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [value])
        (read,) = cursor.fetchone()
    assert read == value and read.tzinfo is connection.timezone
    django_loader = type("Z", (BaseTzLoader,), {"timezone": connection.timezone})(1184, connection.connection)
    assert read == django_loader.load(read.isoformat().replace("T", " ").encode())  # what Django's loader answers


@needs_pg
def test_orm_rows_carry_aware_timestamps():
    from tests.factories.members import CardFactory

    card = CardFactory()
    card.refresh_from_db()
    assert card.issued_at.tzinfo is connection.timezone and card.created_at <= card.updated_at
