"""Timestamps read from PostgreSQL by psycopg's C parser (issue 16).

Django reads every `timestamptz` through its own loader (`psycopg_any.BaseTzLoader`), a subclass of
psycopg's pure-Python one, so each value is parsed in Python: 9% of a 500-receipt batch's worker time
(2,500 card and member timestamps), and every admin list pays it per row. The C loader psycopg registers
by default cannot be subclassed; this loader hands the parsing to it and then does exactly what
Django's does — sets the connection's time zone on the result (the session runs in that zone: Django
sets it on connect). Registered on each new PostgreSQL connection; Django's cursor sees the same
`timezone` attribute and keeps it.
"""

from __future__ import annotations

from functools import cache

import psycopg
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = 1184


class _CParsedTzLoader(Loader):
    timezone = None  # set per zone by _loader_for (as Django's SpecificTzLoader)

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._parse = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)(oid, context).load

    def load(self, data):
        return self._parse(data).replace(tzinfo=self.timezone)


@cache
def _loader_for(zone):
    return type("CParsedTzLoader", (_CParsedTzLoader,), {"timezone": zone})


def use_c_timestamps(sender, connection, **kwargs) -> None:
    """connection_created: read this connection's timestamptz values with the C parser."""
    if connection.vendor != "postgresql":
        return
    connection.connection.adapters.register_loader("timestamptz", _loader_for(connection.timezone))


def install() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(use_c_timestamps, dispatch_uid="servicedesk.pgtime")
