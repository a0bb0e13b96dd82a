"""Import of a day's till export (CSV/XLSX, one row per receipt line with the receipt's header columns)
through django-import-export, with its dry-run preview, for the days the feed was down.

Imported receipts are stored exactly like fed ones (receipts.services.receipt_ingest); they earn points
only when rung on the current business day with a usable card (R-PTS-4: 过时不补积分)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from import_export import fields, resources

from servicedesk.errors import DomainError

from .choices import Category, PaymentMethod, ReceiptSource, Side
from .models import Receipt, ReceiptLine

HEADER = ("side", "number", "rung_at", "card_number", "payment_method", "total")
LINE = ("line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity", "bulk_discount",
        "fresh")
TRUE = {"1", "true", "yes", "y", "是", "t"}


def _money(value, name):
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(_("%(f)s is not an amount: %(v)s") % {"f": name, "v": value}) from exc
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("%(f)s must be a non-negative amount with two decimals") % {"f": name})
    return amount.quantize(Decimal("0.01"))


def _when(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        parsed = parse_datetime(str(value).strip().replace("/", "-"))
    if parsed is None:
        raise ValueError(_("rung_at is not a date and time: %(v)s") % {"v": value})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def parse_row(row) -> dict:
    """One export row → clean values; raises ValueError naming the column."""
    side = str(row.get("side") or "").strip()
    if side not in Side.values:
        raise ValueError(_("side must be dept or market"))
    method = str(row.get("payment_method") or "").strip()
    if method not in PaymentMethod.values:
        raise ValueError(_("unknown payment_method %(v)s") % {"v": method})
    category = str(row.get("category") or "").strip()
    if category not in Category.values:
        raise ValueError(_("unknown category %(v)s") % {"v": category})
    try:
        line_no, quantity = int(row.get("line_no")), int(row.get("quantity"))
    except (TypeError, ValueError) as exc:
        raise ValueError(_("line_no and quantity must be whole numbers")) from exc
    if quantity < 1 or line_no < 1:
        raise ValueError(_("line_no and quantity must be at least 1"))
    return {
        "side": side, "number": str(row.get("number") or "").strip(), "rung_at": _when(row.get("rung_at")),
        "card_number": str(row.get("card_number") or "").strip(), "payment_method": method,
        "total": _money(row.get("total"), "total"), "line_no": line_no, "sku": str(row.get("sku") or "").strip(),
        "description": str(row.get("description") or "").strip(), "counter": str(row.get("counter") or "").strip(),
        "category": category, "list_price": _money(row.get("list_price"), "list_price"),
        "unit_price": _money(row.get("unit_price"), "unit_price"), "quantity": quantity,
        "bulk_discount": str(row.get("bulk_discount") or "").strip().lower() in TRUE,
        "fresh": str(row.get("fresh") or "").strip().lower() in TRUE,
    }


class TillExportResource(resources.ModelResource):
    """Rows are receipt lines grouped into receipts. Each receipt is stored through the same service as the
    till feed (`receipt_ingest` with source import: the same checks and receipt hooks — points, stored
    value, upgrade), inside the import's transaction, so a dry run leaves nothing behind. A receipt the
    service refuses becomes the error of each of its rows."""

    side = fields.Field(column_name="side", attribute="receipt__side", readonly=True)
    number = fields.Field(column_name="number", attribute="receipt__number", readonly=True)
    rung_at = fields.Field(column_name="rung_at", attribute="receipt__rung_at", readonly=True)
    card_number = fields.Field(column_name="card_number", attribute="receipt__card_number", readonly=True)
    payment_method = fields.Field(column_name="payment_method", attribute="receipt__payment_method", readonly=True)
    total = fields.Field(column_name="total", attribute="receipt__total", readonly=True)

    class Meta:
        model = ReceiptLine
        fields = HEADER + LINE
        import_id_fields = ()
        skip_unchanged = False
        use_bulk = False

    @staticmethod
    def _key(row) -> tuple[str, str]:
        return str(row.get("side") or "").strip(), str(row.get("number") or "").strip()

    def before_import(self, dataset, **kwargs):
        from .services import receipt_ingest

        groups: dict[tuple[str, str], list[dict]] = {}
        self._errors: dict[tuple[str, str], str] = {}
        self._existing: set[tuple[str, str]] = set()
        self._stored: dict[tuple[str, str], Receipt] = {}
        for row in dataset.dict:
            key = self._key(row)
            try:
                groups.setdefault(key, []).append(parse_row(row))
            except ValueError as exc:
                self._errors.setdefault(key, str(exc))
        for key, rows in groups.items():
            if key in self._errors:
                continue
            heads = {tuple(r[h] for h in HEADER) for r in rows}
            if len(heads) > 1:
                self._errors[key] = _("the rows of one receipt disagree on its header columns")
                continue
            if Receipt.objects.filter(side=key[0], number=key[1]).exists():
                self._existing.add(key)  # already received by the feed or an earlier import
                continue
            data = {**{h: rows[0][h] for h in HEADER}, "lines": rows}
            try:
                receipt_ingest(data=data, user=kwargs.get("user"), source=ReceiptSource.IMPORT)
            except DomainError as exc:
                self._errors[key] = exc.detail
            else:
                self._stored[key] = Receipt.objects.get(side=key[0], number=key[1])

    def before_import_row(self, row, **kwargs):
        key = self._key(row)
        if key in self._errors:
            raise ValueError(f"{key[1]}: {self._errors[key]}")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._key(row) in self._existing

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        receipt = self._stored.get(self._key(row))
        if receipt is not None:  # the line the service wrote, for the preview
            instance.receipt = receipt
            for name, value in parse_row(row).items():
                if name in LINE:
                    setattr(instance, name, value)

    def save_instance(self, instance, is_create, row, **kwargs):
        """The receipt service already wrote the lines with their receipt."""
