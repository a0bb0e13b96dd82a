"""The members' two month ledgers for finance (servicedesk.extensions.month_ledgers, R-FIN-1/2): the points
ledger (dept and market wallets) and the stored-value ledger, both rows of `PointsEntry`.

Exports stream (performance.md): CSV rows come from PostgreSQL's COPY (the database writes the CSV), or
from a server-side cursor through the csv module elsewhere, in the same format either way; XLSX rows
come from `export_rows` (a cursor, 5,000 rows a fetch). Registered from MembersConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, DecimalField, F, IntegerField, Max, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.extensions import LedgerColumn, LedgerMovement
from servicedesk.periods import month_bounds, month_parse

from .choices import EntryKind, Wallet
from .models import Card, PointsEntry

TRANSFERS = {EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT}  # a card replacement moves a balance, it adds none
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # store time, the same text from COPY (to_char) and from Python
PG_TIME_FORMAT = "YYYY-MM-DD HH24:MI:SS"
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


class _MembersLedger:
    wallets: tuple[str, ...] = ()
    value_field = "points"

    def _entries(self):
        return PointsEntry.objects.filter(wallet__in=self.wallets)

    def last_id(self) -> int:
        return PointsEntry.objects.aggregate(m=Max("id"))["m"] or 0

    def _kind_key(self, wallet: str, kind: str) -> str:
        return kind

    def movements(self, *, after_id: int, upto_id: int, month: str | None = None) -> list[LedgerMovement]:
        if upto_id <= after_id:
            return []
        qs = self._entries().filter(id__gt=after_id, id__lte=upto_id)
        if month is not None:
            start, end = month_bounds(month_parse(month))
            qs = qs.filter(at__gte=start, at__lt=end)
        value = F(self.value_field)
        out_type = IntegerField() if self.value_field == "points" else DecimalField(max_digits=16, decimal_places=2)
        zero = Value(0, output_field=out_type)
        rows = (qs.annotate(m=TruncMonth("at", tzinfo=timezone.get_current_timezone()))
                .values("m", "wallet", "kind")
                .annotate(n=Count("id"),
                          inflow=Sum(Case(When(**{f"{self.value_field}__gt": 0}, then=value), default=zero,
                                          output_field=out_type)),
                          outflow=Sum(Case(When(**{f"{self.value_field}__lt": 0}, then=-value), default=zero,
                                           output_field=out_type)))
                .order_by())
        zone = timezone.get_current_timezone()
        found: dict[tuple[str, str], LedgerMovement] = {}
        for row in rows:
            m = row["m"]
            m = m.astimezone(zone) if isinstance(m, dt.datetime) and timezone.is_aware(m) else m
            key = (f"{m:%Y-%m}", self._kind_key(row["wallet"], row["kind"]))
            prev = found.get(key)
            inflow, outflow = Decimal(row["inflow"] or 0), Decimal(row["outflow"] or 0)
            if prev is not None:
                inflow, outflow, n = prev.inflow + inflow, prev.outflow + outflow, prev.rows + row["n"]
            else:
                n = row["n"]
            found[key] = LedgerMovement(month=key[0], kind=key[1], rows=n, inflow=inflow, outflow=outflow)
        return sorted(found.values(), key=lambda mv: (mv.month, mv.kind))

    # ---- export

    def _select(self) -> tuple[list[str], list[str]]:
        """(ORM fields for export_rows, SQL expressions for COPY), in column order."""
        raise NotImplementedError

    def _values(self, month: str):
        start, end = month_bounds(month_parse(month))
        return (self._entries().filter(at__gte=start, at__lt=end).order_by("id")
                .values_list(*self._select()[0]))

    def export_rows(self, *, month: str) -> Iterator[tuple]:
        zone = timezone.get_current_timezone()
        for row in self._values(month).iterator(chunk_size=5000):
            yield self._plain(row, zone)

    def _plain(self, row, zone) -> tuple:
        raise NotImplementedError

    def export_csv(self, *, month: str) -> Iterator[bytes] | None:
        """COPY on PostgreSQL (the rows as the csv module would write them from `export_rows`)."""
        if connection.vendor != "postgresql":
            return None
        return _batched(self._copy(month))

    def _copy(self, month: str) -> Iterator[bytes]:
        start, end = month_bounds(month_parse(month))
        user_table = connection.ops.quote_name(get_user_model()._meta.db_table)
        wallets = ", ".join(["%s"] * len(self.wallets))
        # Only constant fragments are formatted into the SQL; every value is a parameter.
        sql = (f"SELECT {', '.join(self._select()[1])} FROM members_pointsentry e "  # noqa: S608
               f"JOIN members_card c ON c.id = e.card_id LEFT JOIN {user_table} u ON u.id = e.by_id "
               f"WHERE e.at >= %s AND e.at < %s AND e.wallet IN ({wallets}) ORDER BY e.id")
        params = [str(timezone.get_current_timezone()), PG_TIME_FORMAT, start, end, *self.wallets]
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            # Sort the month in memory rather than in temp files (reset after: the connection is reused).
            raw.execute("SET work_mem = '128MB'")
            try:
                with raw.copy(f"COPY ({raw.mogrify(sql, params)}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for block in copy:
                        yield bytes(block)
            finally:
                raw.execute("RESET work_mem")


class PointsMonthLedger(_MembersLedger):
    """Dept and market points (R-PTS-6). Kinds are `<wallet>.<kind>`: the two wallets never combine (R-PTS-5)."""

    name = "points"
    label = _("Points ledger")
    unit = "points"
    wallets = (Wallet.DEPT, Wallet.MARKET)
    columns = (
        LedgerColumn("id", _("ledger entry")), LedgerColumn("at", _("at")), LedgerColumn("card_number", _("card number")),
        LedgerColumn("wallet", _("wallet")), LedgerColumn("kind", _("kind")), LedgerColumn("points", _("points")),
        LedgerColumn("balance_after", _("balance after")), LedgerColumn("reference", _("reference")),
        LedgerColumn("by", _("by")),
    )

    def _kind_key(self, wallet: str, kind: str) -> str:
        return f"{wallet}.{kind}"

    def kind_label(self, kind: str) -> str:
        wallet, _dot, entry_kind = kind.partition(".")
        return f"{Wallet(wallet).label} · {EntryKind(entry_kind).label}"

    def cached_balance(self) -> Decimal:
        sums = Card.objects.aggregate(d=Sum("dept_points"), m=Sum("market_points"))
        return Decimal((sums["d"] or 0) + (sums["m"] or 0))

    def totals(self, *, movements) -> dict:
        earned = sum((mv.inflow - mv.outflow for mv in movements if mv.kind.endswith(f".{EntryKind.EARN}")), Decimal(0))
        spent = sum((mv.outflow - mv.inflow for mv in movements if mv.kind.endswith(f".{EntryKind.REDEEM}")), Decimal(0))
        return {"points_earned": int(earned), "points_spent": int(spent)}

    def _select(self):
        return (["id", "at", "card__card_number", "wallet", "kind", "points", "balance_after", "reference", "by__username"],
                ["e.id", "to_char(e.at AT TIME ZONE %s, %s)", "c.card_number", "e.wallet", "e.kind", "e.points",
                 "e.balance_after::bigint", "NULLIF(e.reference, '')", "u.username"])

    def _plain(self, row, zone) -> tuple:
        pk, at, card, wallet, kind, points, balance, reference, by = row
        return (pk, at.astimezone(zone).replace(tzinfo=None, microsecond=0), card, wallet, kind, points, int(balance),
                reference or "", by or "")


class StoredValueMonthLedger(_MembersLedger):
    """Money on the cards (R-RBT-4): rebates and refunds in, spending out."""

    name = "stored_value"
    label = _("Stored-value ledger")
    unit = "money"
    wallets = (Wallet.STORED_VALUE,)
    value_field = "amount"
    columns = (
        LedgerColumn("id", _("ledger entry")), LedgerColumn("at", _("at")), LedgerColumn("card_number", _("card number")),
        LedgerColumn("kind", _("kind")), LedgerColumn("amount", _("amount")),
        LedgerColumn("balance_after", _("balance after")), LedgerColumn("reference", _("reference")),
        LedgerColumn("by", _("by")),
    )

    def kind_label(self, kind: str) -> str:
        return str(EntryKind(kind).label)

    def cached_balance(self) -> Decimal:
        return Card.objects.aggregate(s=Sum("stored_value"))["s"] or Decimal("0.00")

    def totals(self, *, movements) -> dict:
        money = [mv for mv in movements if mv.kind not in TRANSFERS]
        return {"stored_value_in": sum((mv.inflow for mv in money), Decimal("0.00")),
                "stored_value_out": sum((mv.outflow for mv in money), Decimal("0.00"))}

    def _select(self):
        return (["id", "at", "card__card_number", "kind", "amount", "balance_after", "reference", "by__username"],
                ["e.id", "to_char(e.at AT TIME ZONE %s, %s)", "c.card_number", "e.kind", "e.amount", "e.balance_after",
                 "NULLIF(e.reference, '')", "u.username"])

    def _plain(self, row, zone) -> tuple:
        pk, at, card, kind, amount, balance, reference, by = row
        return (pk, at.astimezone(zone).replace(tzinfo=None, microsecond=0), card, kind, amount, balance,
                reference or "", by or "")


def register() -> None:
    from servicedesk.extensions import month_ledgers

    month_ledgers.register(PointsMonthLedger())
    month_ledgers.register(StoredValueMonthLedger())
