"""The gift stock ledger as one of finance's month ledgers (servicedesk.extensions.month_ledgers, R-FIN-1/2,
R-GIFT-2): `GiftStockEntry` rows (append-only, ids only grow), grouped by store-local month and entry kind;
the cached balance is the items' stock on hand. Registered from GiftsConfig.ready().

`gifts_issued` (the month's closing total) counts the pieces handed out to customers: campaign issues plus
birthday gifts, net of the pieces customers handed back (`return_customer`) in the same month. Deliveries,
returns to the owning department and stocktake adjustments are stock movements, not gifts given.

CSV rows come from `export_rows` through finance's csv writer (a server-side cursor, 5,000 rows a fetch),
so the text is the same on every database; `export_csv` answers None."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Max, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.extensions import LedgerColumn, LedgerMovement
from servicedesk.periods import month_bounds, month_parse

from .choices import EntryKind
from .models import GiftItem, GiftStockEntry

HANDED_OUT = (EntryKind.ISSUE, EntryKind.BIRTHDAY)


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
        return None


def register() -> None:
    from servicedesk.extensions import month_ledgers

    month_ledgers.register(GiftStockMonthLedger())
