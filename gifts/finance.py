"""The gift stock ledger as one of finance's month ledgers (servicedesk.extensions.month_ledgers, R-FIN-1/2,
R-GIFT-2): `GiftStockEntry` rows (append-only, ids only grow), grouped by store-local month and entry kind;
the cached balance is the items' stock on hand. Registered from GiftsConfig.ready().

`gifts_issued` (the month's closing total) counts the pieces handed out to customers: campaign issues plus
birthday gifts, net of the pieces customers handed back (`return_customer`) in the same month. Deliveries,
returns to the owning department and stocktake adjustments are stock movements, not gifts given.

CSV rows come from PostgreSQL's COPY on PostgreSQL (`export_csv`: the database writes the CSV, byte for byte
what finance's csv writer makes of `export_rows`), and from `export_rows` through that csv writer elsewhere
(`export_csv` answers None there)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.extensions import LedgerColumn, LedgerMovement
from servicedesk.periods import month_bounds, month_parse

from .choices import EntryKind
from .models import GiftItem, GiftStockEntry

HANDED_OUT = (EntryKind.ISSUE, EntryKind.BIRTHDAY)
PG_TIME_FORMAT = "YYYY-MM-DD HH24:MI:SS"  # str() of the naive store-local datetime export_rows gives
CHUNK_BYTES = 256 * 1024


def _batched(pieces) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def gifts_issued_total(movements) -> int:
    """Pieces handed out in the month: issue + birthday outflow, less what customers handed back."""
    out = sum((mv.outflow - mv.inflow for mv in movements if mv.kind in HANDED_OUT), Decimal(0))
    back = sum((mv.inflow - mv.outflow for mv in movements if mv.kind == EntryKind.RETURN_CUSTOMER), Decimal(0))
    return int(out - back)


class GiftStockMonthLedger:
    name = "gifts"
    label = _("Gift stock ledger")
    unit = "count"
    columns = (
        LedgerColumn("id", _("ledger entry")), LedgerColumn("at", _("at")), LedgerColumn("item_code", _("item code")),
        LedgerColumn("item_name", _("item name")), LedgerColumn("kind", _("kind")),
        LedgerColumn("quantity", _("quantity")), LedgerColumn("unit_value", _("unit value")),
        LedgerColumn("balance_after", _("balance after")), LedgerColumn("reference", _("reference")),
        LedgerColumn("by", _("by")),
    )

    def kind_label(self, kind: str) -> str:
        try:
            return str(EntryKind(kind).label)
        except ValueError:
            return kind

    def last_id(self) -> int:
        return GiftStockEntry.objects.aggregate(m=Max("id"))["m"] or 0

    def movements(self, *, after_id: int, upto_id: int, month: str | None = None) -> list[LedgerMovement]:
        if upto_id <= after_id:
            return []
        qs = GiftStockEntry.objects.filter(id__gt=after_id, id__lte=upto_id)
        if month is not None:
            start, end = month_bounds(month_parse(month))
            qs = qs.filter(at__gte=start, at__lt=end)
        zero = Value(0, output_field=IntegerField())
        zone = timezone.get_current_timezone()
        rows = (qs.annotate(m=TruncMonth("at", tzinfo=zone)).values("m", "kind")
                .annotate(n=Count("id"),
                          inflow=Sum(Case(When(quantity__gt=0, then=F("quantity")), default=zero,
                                          output_field=IntegerField())),
                          outflow=Sum(Case(When(quantity__lt=0, then=-F("quantity")), default=zero,
                                           output_field=IntegerField())))
                .order_by())
        found: list[LedgerMovement] = []
        for row in rows:
            m = row["m"]
            m = m.astimezone(zone) if isinstance(m, dt.datetime) and timezone.is_aware(m) else m
            found.append(LedgerMovement(month=f"{m:%Y-%m}", kind=row["kind"], rows=row["n"],
                                        inflow=Decimal(row["inflow"] or 0), outflow=Decimal(row["outflow"] or 0)))
        return sorted(found, key=lambda mv: (mv.month, mv.kind))

    def cached_balance(self) -> Decimal:
        return Decimal(GiftItem.objects.aggregate(s=Sum("on_hand"))["s"] or 0)

    def totals(self, *, movements) -> dict:
        return {"gifts_issued": gifts_issued_total(movements)}

    def export_rows(self, *, month: str) -> Iterator[tuple]:
        start, end = month_bounds(month_parse(month))
        zone = timezone.get_current_timezone()
        qs = (GiftStockEntry.objects.filter(at__gte=start, at__lt=end).order_by("id")
              .values_list("id", "at", "item__code", "item__name", "kind", "quantity", "item__unit_value",
                           "balance_after", "reference", "by__username"))
        for pk, at, code, name, kind, quantity, unit_value, balance, reference, by in qs.iterator(chunk_size=5000):
            yield (pk, at.astimezone(zone).replace(tzinfo=None, microsecond=0), code, name, kind, quantity, unit_value,
                   balance, reference or "", by or "")

    def export_csv(self, *, month: str) -> Iterator[bytes] | None:
        """COPY on PostgreSQL: the same columns and text as `export_rows` through the csv module (an empty text
        is NULL so COPY writes it unquoted, as csv.writer does; times are store-local, whole seconds)."""
        if connection.vendor != "postgresql":
            return None
        return _batched(self._copy(month))

    def _copy(self, month: str) -> Iterator[bytes]:
        start, end = month_bounds(month_parse(month))
        q = connection.ops.quote_name
        entries, items = q(GiftStockEntry._meta.db_table), q(GiftItem._meta.db_table)
        users = q(get_user_model()._meta.db_table)
        # Only table names are formatted into the SQL; every value is a parameter.
        sql = (f"SELECT e.id, to_char(e.at AT TIME ZONE %s, %s), NULLIF(i.code, ''), NULLIF(i.name, ''), "  # noqa: S608
               f"NULLIF(e.kind, ''), e.quantity, i.unit_value, e.balance_after, NULLIF(e.reference, ''), u.username "
               f"FROM {entries} e JOIN {items} i ON i.id = e.item_id LEFT JOIN {users} u ON u.id = e.by_id "
               f"WHERE e.at >= %s AND e.at < %s ORDER BY e.id")
        params = [str(timezone.get_current_timezone()), PG_TIME_FORMAT, start, end]
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY ({raw.mogrify(sql, params)}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    yield bytes(block)


def register() -> None:
    from servicedesk.extensions import month_ledgers

    month_ledgers.register(GiftStockMonthLedger())
