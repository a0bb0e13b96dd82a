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
import logging
from decimal import Decimal
from functools import cache

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import QuerySet
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk import extensions
from servicedesk.errors import Conflict, DomainError, RuleViolation
from servicedesk.periods import period_guard

from .choices import ReceiptSource
from .models import Receipt, ReceiptLine
from .rows import row_maker
from .sql import ROWSET_FROM, deferred_execute, field_readers, rows_insert, rowset_columns, rowset_param, write_behind

# How far ahead of the server a till's clock may run before its receipt is refused (not a business number).
TILL_CLOCK_TOLERANCE = dt.timedelta(minutes=10)
LINE_FIELDS = ("line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity",
               "bulk_discount", "fresh")

log = logging.getLogger(__name__)


_store_tz = timezone.get_default_timezone  # the business date is the store's (cached: no per-request lookup)


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
    with transaction.atomic(), write_behind():  # the append-only rows and the answer go in one round trip
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


@cache
def _receipt_maker():
    return row_maker(Receipt, _INSERT_FIELDS)


def _receipt_row(data: dict, *, source: str, body_hash: str, now: dt.datetime) -> Receipt:
    """The unsaved receipt of a checked posted body (its answer is written once the hooks have run)."""
    return _receipt_maker()(data["side"], data["number"], data["rung_at"],
                            timezone.localdate(data["rung_at"], _store_tz()), (data.get("card_number") or "").strip(),
                            data["payment_method"], data["total"], source, body_hash, {}, now)


def _receipt_insert(*, data: dict, source: str, body_hash: str, now: dt.datetime) -> Receipt | None:
    """INSERT … ON CONFLICT (side, number) DO NOTHING RETURNING id (PostgreSQL and SQLite ≥ 3.35 alike): the
    new receipt, or None when that side + number is already stored. On PostgreSQL a concurrent insert of
    the same receipt waits for the other transaction and then answers None, so no savepoint is needed."""
    receipt = _receipt_row(data, source=source, body_hash=body_hash, now=now)
    meta = Receipt._meta
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself (receipts/sql.py)
    quote = conn.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    params = [read(receipt) for read in field_readers(fields, pre_save=False)]
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


@cache
def _line_maker():
    return row_maker(ReceiptLine, ("receipt", *LINE_FIELDS))


def _lines_of(receipt: Receipt, data: dict) -> list[ReceiptLine]:
    """The receipt's posted lines as unsaved rows (an absent description is blank, an absent flag false)."""
    make = _line_maker()
    return [make(receipt, *[line.get(key, "" if key == "description" else False) for key in LINE_FIELDS])
            for line in data["lines"]]


# The query of the lines' cached queryset below: never run (nor changed: a filter or .all() copies it), so
# one for all (issue 16: a Query built a receipt was 500 a batch).
_UNRUN_LINES = Query(ReceiptLine)


def _hand_lines(receipt: Receipt, lines: list) -> None:
    """The hooks read `receipt.lines.all()`: hand them the lines just written, as prefetch_related would."""
    cached = QuerySet(ReceiptLine, query=_UNRUN_LINES)
    cached._result_cache = sorted(lines, key=lambda line: line.line_no)
    cached._prefetch_done = True
    receipt._prefetched_objects_cache = {"lines": cached}


def _receipt_store_rest(*, receipt: Receipt, data: dict, card, source: str, now: dt.datetime, user) -> dict:
    """The lines, every hook's on_stored and the stored answer; inside the ingest transaction."""
    lines = _lines_of(receipt, data)
    rows_insert(ReceiptLine, lines)
    _hand_lines(receipt, lines)
    body = receipt_answer_base(receipt=receipt)
    for hook in extensions.receipt_hooks:
        body.update(hook.on_stored(receipt=receipt, card=card, source=source, now=now, user=user) or {})
    _responses_update([(receipt, body)])
    receipt.response = body
    return body


def receipt_ingest_many(*, datas: list[dict], user=None, source: str = ReceiptSource.FEED,
                        now: dt.datetime | None = None) -> list:
    """The batch feed (issue 16): store many validated receipts, each answered as if posted alone and in
    the order given — one outcome per item: (body, created) or the DomainError that refused it.

    Set-based when every receipt hook has `on_stored_many`: the checks in Python, then in one transaction
    one INSERT … ON CONFLICT of the receipts, one of their lines, the hooks' few statements, one UPDATE of
    the answers, one commit (a commit a receipt was the ceiling: the disk's flush). Whatever that set
    cannot settle as the single path would (a hook raises BatchFallback or a refusal, a deadlock) is
    rolled back as a whole and stored receipt by receipt (receipt_ingest), each in its own transaction.
    A receipt twice in one batch is taken after the set, as the repost it is."""
    now = now or timezone.now()
    cards = cards_for_batch(d.get("card_number") for d in datas)
    outcomes: list = [None] * len(datas)
    hooks = list(extensions.receipt_hooks)
    seen: set = set()
    pending, later, refused = [], [], []
    for i, data in enumerate(datas):
        key = (data["side"], data["number"])
        if key in seen:
            later.append(i)
            continue
        seen.add(key)
        try:
            card = receipt_checks(data=data, source=source, now=now, cards=cards)
        except DomainError as exc:
            refused.append((i, exc))
            continue
        pending.append((i, data, card, receipt_body_hash(data)))
    if refused:  # a refused receipt already stored answers its first answer (as receipt_ingest does)
        stored = _receipts_stored([datas[i] for i, _exc in refused])
        for i, exc in refused:
            existing = stored.get((datas[i]["side"], datas[i]["number"]))
            outcomes[i] = exc if existing is None else _outcome(lambda e=existing, d=datas[i]: _repost(e, receipt_body_hash(d)))
    if pending and all(hasattr(hook, "on_stored_many") for hook in hooks):
        pending = _ingest_set_or_split(pending=pending, outcomes=outcomes, hooks=hooks, source=source, now=now,
                                       user=user)
    for i, data, _card, _hash in pending:
        outcomes[i] = _outcome(lambda d=data: receipt_ingest(data=d, user=user, source=source, now=now, cards=cards))
    for i in later:
        outcomes[i] = _outcome(lambda d=datas[i]: receipt_ingest(data=d, user=user, source=source, now=now, cards=cards))
    return outcomes


def _outcome(call):
    try:
        return call()
    except DomainError as exc:
        return exc


def _receipts_stored(datas: list[dict]) -> dict:
    numbers = {d["number"] for d in datas}
    return {(r.side, r.number): r for r in Receipt.objects.filter(number__in=numbers)}


SET_ATTEMPTS = 3  # a set retried without the cards a hook named, at most this often, before all go alone


def _ingest_set_or_split(*, pending, outcomes, hooks, source, now, user) -> list:
    """The set, and what it leaves to the single path, in the batch's order. A hook that names the cards it
    cannot settle set-based (BatchFallback.cards: an upgrade due mid-batch, a year spend to sum, a refusal)
    has the set rolled back and retried without those cards' receipts, which then go alone — their answers
    depend only on their own card, so storing them after the others answers each as posted alone. Any other
    fallback, a refusal the hook did not place, or a deadlock sends the whole set to the single path."""
    alone: list = []
    for _attempt in range(SET_ATTEMPTS):
        try:
            left = _ingest_set(pending=pending, outcomes=outcomes, hooks=hooks, source=source, now=now, user=user)
            return sorted(alone + left, key=lambda item: item[0])
        except extensions.BatchFallback as exc:  # rolled back
            if not exc.cards:
                log.info("batch of %d receipts stored one by one: %s", len(pending) + len(alone), exc)
                break
            alone += [item for item in pending if item[2] is not None and item[2].pk in exc.cards]
            pending = [item for item in pending if item[2] is None or item[2].pk not in exc.cards]
            log.info("batch: %d receipts of %d cards stored one by one (%s)", len(alone), len(exc.cards), exc)
            if not pending:
                break
        except (DomainError, OperationalError) as exc:  # rolled back
            log.info("batch of %d receipts stored one by one: %r", len(pending) + len(alone), exc)
            break
    return sorted(alone + pending, key=lambda item: item[0])


def _ingest_set(*, pending, outcomes, hooks, source, now, user) -> list:
    """The set-based part of receipt_ingest_many; answers the receipts it left to the single path."""
    alone = []
    with transaction.atomic(), write_behind():
        fresh = []
        for item in pending:
            try:
                period_guard(at=item[1]["rung_at"])  # R-FIN-2 (returns at once for the open month)
            except DomainError:
                alone.append(item)  # answered by receipt_ingest, which refuses it the same way
                continue
            fresh.append(item)
        receipts = _receipts_insert_many(fresh, source=source, now=now)
        stored = [(item, receipts[(item[1]["side"], item[1]["number"])]) for item in fresh
                  if (item[1]["side"], item[1]["number"]) in receipts]
        # stored meanwhile (or before): answered as a repost once the set is committed
        alone += [item for item in fresh if (item[1]["side"], item[1]["number"]) not in receipts]
        lines = [line for (_i, data, _c, _h), receipt in stored for line in _lines_of(receipt, data)]
        rows_insert(ReceiptLine, lines)
        by_receipt: dict = {}
        for line in lines:
            by_receipt.setdefault(line.receipt_id, []).append(line)
        bodies = []
        for _item, receipt in stored:
            _hand_lines(receipt, by_receipt.get(receipt.pk, []))
            bodies.append(receipt_answer_base(receipt=receipt))
        items = [(receipt, item[2]) for item, receipt in stored]
        for hook in hooks:
            for body, extra in zip(bodies, hook.on_stored_many(items=items, source=source, now=now, user=user),
                                   strict=True):
                body.update(extra or {})
        if stored:
            _responses_update([(receipt, body) for (_item, receipt), body in zip(stored, bodies, strict=True)])
        for ((i, *_rest), receipt), body in zip(stored, bodies, strict=True):
            receipt.response = body
            outcomes[i] = (body, True)
    return alone


def _receipts_insert_many(items, *, source: str, now: dt.datetime) -> dict:
    """One INSERT … ON CONFLICT (side, number) DO NOTHING RETURNING of many receipts: {(side, number): receipt}
    of those inserted (the others were already stored)."""
    if not items:
        return {}
    meta = Receipt._meta
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    quote = connection.ops.quote_name
    readers = field_readers(fields, pre_save=False)  # created_at is the ingest's `now`, as the single path
    built, rows = [], []
    for _i, data, _card, body_hash in items:
        receipt = _receipt_row(data, source=source, body_hash=body_hash, now=now)
        built.append(receipt)
        rows.append([read(receipt) for read in readers])
    if connection.vendor == "postgresql" and len(built) >= ROWSET_FROM:  # one JSON parameter (receipts/sql.py)
        source_rows = f"SELECT {rowset_columns(fields)} FROM jsonb_array_elements(%s::jsonb) AS r"  # noqa: S608
        params = [rowset_param(rows)]
    else:
        source_rows = "VALUES " + ", ".join([f"({', '.join(['%s'] * len(fields))})"] * len(built))
        params = [value for row in rows for value in row]
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) {source_rows} "  # noqa: S608
           f"ON CONFLICT ({quote('side')}, {quote('number')}) DO NOTHING RETURNING {quote('id')}, {quote('side')}, "
           f"{quote('number')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {(side, number): pk for pk, side, number in cursor.fetchall()}
    out = {}
    for receipt in built:
        pk = ids.get((receipt.side, receipt.number))
        if pk is not None:
            receipt.pk = pk
            receipt._state.adding = False
            receipt._state.db = connection.alias
            out[(receipt.side, receipt.number)] = receipt
    return out


def _responses_update(pairs) -> None:
    """Every stored answer in one UPDATE (CASE on the id); write-behind."""
    field = Receipt._meta.get_field("response")
    quote = connection.ops.quote_name
    if len(pairs) == 1:
        receipt, body = pairs[0]
        deferred_execute(f"UPDATE {quote(Receipt._meta.db_table)} SET {quote('response')} = %s "  # noqa: S608
                         f"WHERE {quote('id')} = %s", [field.get_db_prep_save(body, connection), receipt.pk])
        return
    if connection.vendor == "postgresql" and len(pairs) >= ROWSET_FROM:
        table = quote(Receipt._meta.db_table)
        deferred_execute(f"UPDATE {table} t SET {quote('response')} = (r->>1)::jsonb "  # noqa: S608
                         "FROM jsonb_array_elements(%s::jsonb) AS r WHERE t.id = (r->>0)::bigint",
                         [rowset_param([[receipt.pk, field.get_db_prep_save(body, connection)] for receipt, body in pairs])])
        return
    params = []
    for receipt, body in pairs:
        params += [receipt.pk, field.get_db_prep_save(body, connection)]
    params += [receipt.pk for receipt, _body in pairs]
    sql = (f"UPDATE {quote(Receipt._meta.db_table)} SET {quote('response')} = CASE {quote('id')} "  # noqa: S608
           + " ".join(["WHEN %s THEN %s"] * len(pairs))
           + f" END WHERE {quote('id')} IN ({', '.join(['%s'] * len(pairs))})")
    deferred_execute(sql, params)
