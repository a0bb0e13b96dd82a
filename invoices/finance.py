"""The invoice register as one of finance's month ledgers (servicedesk.extensions.month_ledgers, R-FIN-1/2,
R-INV-8). Registered from InvoicesConfig.ready().

Movements are the append-only `InvoiceEvent` rows of type `issued` and `voided` (their ids only grow, so
finance's running aggregates by id range hold), each dated by the invoice's own `issued_at` / `voided_at`
(the date the writer was given, which the period guard checked) and counted at the invoice's amount:
`issued` as inflow, `voided` as outflow. `invoices_amount` is the monthly report's net amount (R-INV-8):
amount issued in the month minus amount voided in the month; a loss (R-INV-7) does not change it (a lost
invoice was issued and still covers its receipts). The register keeps no balance: `cached_balance` is None.

The export is the invoice register of `invoices/exports.py`: one row per invoice issued in the month
(whatever became of it since), in issue order, with its receipts. On PostgreSQL `export_csv` is a COPY of
the same columns, byte for byte what finance's csv writer makes of `export_rows` (times as Python's
`isoformat()` in store time); elsewhere it answers None and finance writes `export_rows` with the csv module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, DecimalField, F, Max, Q, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.extensions import LedgerColumn, LedgerMovement
from servicedesk.periods import month_bounds, month_parse

from .choices import InvoiceEventType
from .models import Invoice, InvoiceBook, InvoiceEvent, InvoiceReceipt

KINDS = (InvoiceEventType.ISSUED, InvoiceEventType.VOIDED)
ZERO = Decimal("0.00")
CHUNK_BYTES = 256 * 1024


def _iso(column: str) -> str:
    """SQL text of a timestamptz as Python's `astimezone(store zone).isoformat()` (the session's time zone is
    the store's while the COPY runs): microseconds only when there are any, the offset as +08:00; NULL stays
    NULL (an empty field, as the Python path writes "")."""
    return (f"to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN mod(extract(microseconds FROM {column})"
            f"::bigint, 1000000) <> 0 THEN to_char({column}, '.US') ELSE '' END || to_char({column}, 'TZH:TZM')")


def _batched(pieces) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


class InvoiceRegisterMonthLedger:
    name = "invoices"
    label = _("Invoice register")
    unit = "money"
    columns = (
        LedgerColumn("number", _("invoice number")), LedgerColumn("book", _("book")), LedgerColumn("status", _("status")),
        LedgerColumn("issued_at", _("issued at")), LedgerColumn("amount", _("amount")), LedgerColumn("buyer", _("buyer")),
        LedgerColumn("tax_id", _("tax id")), LedgerColumn("receipts", _("receipts")),
        LedgerColumn("issued_by", _("issued by")), LedgerColumn("voided_at", _("voided at")),
        LedgerColumn("void_reason", _("void reason")), LedgerColumn("stub_handed_at", _("stub handed at")),
        LedgerColumn("remarks", _("remarks")),
    )

    def kind_label(self, kind: str) -> str:
        try:
            return str(InvoiceEventType(kind).label)
        except ValueError:
            return kind

    def _events(self):
        return InvoiceEvent.objects.filter(type__in=KINDS, invoice__isnull=False)

    def last_id(self) -> int:
        return self._events().aggregate(m=Max("id"))["m"] or 0

    def movements(self, *, after_id: int, upto_id: int, month: str | None = None) -> list[LedgerMovement]:
        if upto_id <= after_id:
            return []
        zone = timezone.get_current_timezone()
        qs = (self._events().filter(id__gt=after_id, id__lte=upto_id)
              .annotate(on=Case(When(type=InvoiceEventType.VOIDED, then=F("invoice__voided_at")),
                                default=F("invoice__issued_at"))))
        if month is not None:
            start, end = month_bounds(month_parse(month))
            qs = qs.filter(on__gte=start, on__lt=end)
        money = DecimalField(max_digits=14, decimal_places=2)
        rows = (qs.annotate(m=TruncMonth("on", tzinfo=zone)).values("m", "type")
                .annotate(n=Count("id"),
                          inflow=Sum("invoice__amount", filter=Q(type=InvoiceEventType.ISSUED), output_field=money),
                          outflow=Sum("invoice__amount", filter=Q(type=InvoiceEventType.VOIDED), output_field=money))
                .order_by())
        found: list[LedgerMovement] = []
        for row in rows:
            m = row["m"]
            m = m.astimezone(zone) if isinstance(m, dt.datetime) and timezone.is_aware(m) else m
            found.append(LedgerMovement(month=f"{m:%Y-%m}", kind=row["type"], rows=row["n"],
                                        inflow=Decimal(row["inflow"] or ZERO), outflow=Decimal(row["outflow"] or ZERO)))
        return sorted(found, key=lambda mv: (mv.month, mv.kind))

    def cached_balance(self) -> None:
        return None

    def totals(self, *, movements) -> dict:
        issued = sum((mv.inflow for mv in movements if mv.kind == InvoiceEventType.ISSUED), ZERO)
        voided = sum((mv.outflow for mv in movements if mv.kind == InvoiceEventType.VOIDED), ZERO)
        return {"invoices_amount": (issued - voided).quantize(ZERO)}

    def export_rows(self, *, month: str) -> Iterator[tuple]:
        from .exports import register_rows

        month_parse(month)  # 400 naming `month` before anything is read
        for row in register_rows(month=month):
            yield tuple(row)

    def export_csv(self, *, month: str) -> Iterator[bytes] | None:
        if connection.vendor != "postgresql":
            return None
        month_parse(month)  # 400 naming `month` before anything is read
        return _batched(self._copy(month))

    def _copy(self, month: str) -> Iterator[bytes]:
        from .exports import month_bounds as register_bounds

        start, end = register_bounds(month)
        q = connection.ops.quote_name
        invoices, books, parts = (q(m._meta.db_table) for m in (Invoice, InvoiceBook, InvoiceReceipt))
        receipts = q(InvoiceReceipt._meta.get_field("receipt").related_model._meta.db_table)
        users = q(get_user_model()._meta.db_table)
        # The columns of invoices.exports.register_rows; only table names are formatted into the SQL.
        sql = (f"SELECT NULLIF(i.number, ''), NULLIF(b.code, ''), NULLIF(i.status, ''), {_iso('i.issued_at')}, "  # noqa: S608
               f"i.amount, NULLIF(i.buyer, ''), NULLIF(i.tax_id, ''), "
               f"(SELECT NULLIF(string_agg(r.side || ':' || r.number, ' ' ORDER BY p.id), '') FROM {parts} p "
               f"JOIN {receipts} r ON r.id = p.receipt_id WHERE p.invoice_id = i.id), u.username, "
               f"{_iso('i.voided_at')}, NULLIF(i.void_reason, ''), {_iso('i.stub_handed_at')}, NULLIF(i.remarks, '') "
               f"FROM {invoices} i JOIN {books} b ON b.id = i.book_id LEFT JOIN {users} u ON u.id = i.issued_by_id "
               f"WHERE i.issued_at >= %s AND i.issued_at < %s ORDER BY i.issued_at, i.id")
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            query = raw.mogrify(sql, [start, end])
            raw.execute("SELECT set_config('TimeZone', %s, false)", [str(timezone.get_current_timezone())])
            try:
                with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for block in copy:
                        yield bytes(block)
            finally:  # the connection is reused: back to Django's zone (a rolled-back transaction undoes it too)
                raw.execute("SELECT set_config('TimeZone', %s, false)", [connection.timezone_name])


def register() -> None:
    from servicedesk.extensions import month_ledgers

    month_ledgers.register(InvoiceRegisterMonthLedger())
