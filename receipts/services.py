"""Receipt ingestion: the one path by which a till receipt is stored, from the feed (api-contract.md,
Receipts) and from the import of a day's till export alike.

The receipt and its lines are written in one transaction together with everything the other apps do
about it: they registered receipt hooks (servicedesk/extensions.py) — members credits points, spends
stored value and upgrades the card (R-PTS-1..5, R-RBT-4, R-VIP-4); gifts and invoices add theirs. This
app knows none of them by name."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk import extensions
from servicedesk.errors import Conflict, DomainError, RuleViolation
from servicedesk.periods import period_guard

from .choices import ReceiptSource
from .models import Receipt, ReceiptLine

# How far ahead of the server a till's clock may run before its receipt is refused (not a business number).
TILL_CLOCK_TOLERANCE = dt.timedelta(minutes=10)
LINE_FIELDS = ("line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity",
               "bulk_discount", "fresh")


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def receipt_body_hash(data: dict) -> str:
    """The hash of the canonical receipt body (same receipt posted again → same hash)."""
    canonical = {key: _plain(data.get(key)) for key in ("side", "number", "rung_at", "payment_method", "total")}
    canonical["card_number"] = data.get("card_number") or ""
    canonical["lines"] = sorted(
        ({key: _plain(line.get(key, "" if key == "description" else False)) for key in LINE_FIELDS} for line in data["lines"]),
        key=lambda line: line["line_no"],
    )
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def receipt_answer_base(*, receipt: Receipt) -> dict:
    """The feed's answer before the hooks add theirs (the contract's fields, with what a receipt that no
    app rewarded would show)."""
    return {"side": receipt.side, "number": receipt.number, "points_earned": 0, "wallet": receipt.side,
            "card_number": receipt.card_number or None, "member_balance": None}


def _repost(existing: Receipt, body_hash: str) -> tuple[dict, bool]:
    if existing.body_hash != body_hash:
        raise Conflict(_("Receipt %(n)s was already received with a different body.") % {"n": existing.number},
                       code="conflict", fields={"number": [existing.number]})
    return (existing.response or receipt_answer_base(receipt=existing)), False


def receipt_shape_check(*, data: dict, now: dt.datetime) -> None:
    """The receipt's own arithmetic and clock, whatever the source."""
    if data["rung_at"] > now + TILL_CLOCK_TOLERANCE:  # a till whose clock runs ahead would earn points early
        raise RuleViolation(_("The receipt is rung in the future: check the till's clock."), code="invalid",
                            fields={"rung_at": [data["rung_at"].isoformat()]})
    lines = data["lines"]
    line_sum = sum((Decimal(line["unit_price"]) * int(line["quantity"]) for line in lines), Decimal("0.00"))
    if line_sum != Decimal(data["total"]):
        message = _("The total %(t)s is not the sum of the lines %(s)s.") % {"t": data["total"], "s": f"{line_sum:.2f}"}
        raise RuleViolation(message, code="total_mismatch", fields={"total": [f"lines sum to {line_sum:.2f}"]})
    if len({int(line["line_no"]) for line in lines}) != len(lines):
        raise RuleViolation(_("Line numbers must be unique."), code="invalid", fields={"lines": ["duplicate line_no"]})


def receipt_ingest(*, data: dict, user=None, source: str = ReceiptSource.FEED, now: dt.datetime | None = None,
                   cards: dict | None = None) -> tuple[dict, bool]:
    """Store one till receipt (validated shape in `data`) and run every receipt hook. Returns (body, created).

    Idempotent by side + number: the identical body again answers the first answer; another body → 409.
    The feed refuses a receipt naming an unknown or blocked card (`card_not_usable`); an import stores
    it as a receipt without a card benefit (the sale happened; the hooks see no card).

    The lean path (performance.md, ≤ 8 statements a receipt): no lookup before the insert — the insert
    itself tells a repost (`INSERT … ON CONFLICT DO NOTHING RETURNING id`: no row back = the receipt is
    there, from an earlier post or from another till connection a moment ago); a refusal before the
    insert first checks whether the receipt was already stored, so a repost is answered as before
    whatever changed since (the day, the card).

    `cards`: card number → card (or None), looked up beforehand for a whole batch (`cards_for_batch`)."""
    now = now or timezone.now()
    body_hash = receipt_body_hash(data)
    try:
        card = receipt_checks(data=data, source=source, now=now, cards=cards)
    except DomainError:
        existing = Receipt.objects.filter(side=data["side"], number=data["number"]).first()
        if existing is not None:
            return _repost(existing, body_hash)
        raise
    with transaction.atomic():
        period_guard(at=data["rung_at"])  # R-FIN-2: a late import of a receipt rung in a closed month → 409
        receipt = _receipt_insert(data=data, source=source, body_hash=body_hash, now=now)
        if receipt is None:  # already stored (a repost, or the same receipt through another connection)
            return _repost(Receipt.objects.get(side=data["side"], number=data["number"]), body_hash)
        return _receipt_store_rest(receipt=receipt, data=data, card=card, source=source, now=now, user=user), True


def receipt_checks(*, data: dict, source: str, now: dt.datetime, cards: dict | None = None):
    """Everything that may refuse a receipt before it is written; answers the usable card (or None)."""
    receipt_shape_check(data=data, now=now)
    card_number = (data.get("card_number") or "").strip()
    if not card_number:
        card = None
    elif cards is not None and card_number in cards:
        card = cards[card_number]
    else:
        card = extensions.usable_card(card_number)
    if card_number and card is None and source == ReceiptSource.FEED:
        raise RuleViolation(_("Card %(c)s is unknown or blocked.") % {"c": card_number}, code="card_not_usable",
                            fields={"card_number": [card_number]})
    for hook in extensions.receipt_hooks:
        hook.check(data=data, card=card, source=source, now=now)
    return card


def cards_for_batch(card_numbers) -> dict | None:
    """The usable cards of a batch in one query, when every registered card lookup can answer many at once
    (an optional `usable_cards(card_numbers=…) -> {number: card}`); None otherwise (one lookup a receipt).
    A card blocked between this read and its receipt is still refused: the card's update checks its status."""
    numbers = sorted({(n or "").strip() for n in card_numbers} - {""})
    lookups = list(extensions.card_lookup)
    if not numbers or not lookups or not all(hasattr(lookup, "usable_cards") for lookup in lookups):
        return None
    found: dict = {}
    for lookup in lookups:
        for number, card in lookup.usable_cards(card_numbers=[n for n in numbers if n not in found]).items():
            found.setdefault(number, card)
    return {number: found.get(number) for number in numbers}


_INSERT_FIELDS = ("side", "number", "rung_at", "business_date", "card_number", "payment_method", "total", "source",
                  "body_hash", "response", "created_at")


def _receipt_insert(*, data: dict, source: str, body_hash: str, now: dt.datetime) -> Receipt | None:
    """INSERT … ON CONFLICT (side, number) DO NOTHING RETURNING id (PostgreSQL and SQLite ≥ 3.35 alike): the
    new receipt, or None when that side + number is already stored. On PostgreSQL a concurrent insert of
    the same receipt waits for the other transaction and then answers None, so no savepoint is needed."""
    receipt = Receipt(
        side=data["side"], number=data["number"], rung_at=data["rung_at"],
        business_date=timezone.localdate(data["rung_at"]), card_number=(data.get("card_number") or "").strip(),
        payment_method=data["payment_method"], total=data["total"], source=source, body_hash=body_hash,
        response={}, created_at=now,
    )
    meta = Receipt._meta
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    params = [f.get_db_prep_save(getattr(receipt, f.attname), connection) for f in fields]
    sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608
           f"ON CONFLICT ({quote('side')}, {quote('number')}) DO NOTHING RETURNING {quote('id')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    receipt.pk = row[0]
    receipt._state.adding = False
    receipt._state.db = connection.alias
    return receipt


def _receipt_store_rest(*, receipt: Receipt, data: dict, card, source: str, now: dt.datetime, user) -> dict:
    """The lines, every hook's on_stored and the stored answer; inside the ingest transaction."""
    lines = ReceiptLine.objects.bulk_create([
        ReceiptLine(receipt=receipt, **{key: line.get(key, "" if key == "description" else False) for key in LINE_FIELDS})
        for line in data["lines"]
    ])
    # The hooks read `receipt.lines.all()`: hand them the lines just written, as prefetch_related would.
    cached = ReceiptLine.objects.filter(receipt_id=receipt.pk)
    cached._result_cache = sorted(lines, key=lambda line: line.line_no)
    cached._prefetch_done = True
    receipt._prefetched_objects_cache = {"lines": cached}
    body = receipt_answer_base(receipt=receipt)
    for hook in extensions.receipt_hooks:
        body.update(hook.on_stored(receipt=receipt, card=card, source=source, now=now, user=user) or {})
    Receipt.objects.filter(pk=receipt.pk).update(response=body)
    receipt.response = body
    return body
