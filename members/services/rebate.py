"""Members services: the annual rebate (R-RBT-1): set-based, idempotent, resumable."""


from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from servicedesk.periods import period_guard

from .. import rules, selectors
from ..choices import EntryKind, RebateRunStatus, Wallet
from ..models import (
    Card,
    PointsEntry,
    RebateRun,
)


def annual_rebate_run(*, year: int, chunk_size: int = 5000, now: dt.datetime | None = None,
                      max_chunks: int | None = None) -> RebateRun:
    """Settle every card's dept points for `year`: one RebateRun per year (idempotent), cards in pk order
    in chunks, each chunk one transaction that also moves the checkpoint (resumable after a crash)."""
    now = now or timezone.now()
    period_guard(at=now)  # R-FIN-2: the rebate's entries are dated `now`
    with transaction.atomic():
        run = RebateRun.objects.select_for_update().filter(year=year).first()
        if run is None:
            close = timezone.make_aware(dt.datetime(year, 12, 31, 23, 59, 59))
            run = RebateRun.objects.create(year=year, policy_id=selectors.policy_row_at(at=min(now, close)).pk, started_at=now)
    if run.status == RebateRunStatus.DONE:
        return run
    policy = selectors.policy_at(at=run.policy.effective_from)
    reference = f"rebate:{year}"
    done_chunks = 0
    while max_chunks is None or done_chunks < max_chunks:
        with transaction.atomic():
            run = RebateRun.objects.select_for_update().get(pk=run.pk)
            if run.status == RebateRunStatus.DONE:
                return run
            if connection.vendor == "postgresql":
                settled = _rebate_chunk_sql(checkpoint=run.checkpoint_pk, size=chunk_size, policy=policy,
                                            reference=reference, now=now)
            else:
                settled = _rebate_chunk_orm(checkpoint=run.checkpoint_pk, size=chunk_size, policy=policy,
                                            reference=reference, now=now)
            if settled is None:
                run.status, run.finished_at = RebateRunStatus.DONE, timezone.now()
                run.save(update_fields=["status", "finished_at"])
                return run
            hi, count, cleared, rebated, total = settled
            run.checkpoint_pk = hi
            run.cards += count
            run.cleared += cleared
            run.rebated += rebated
            run.total += total
            run.save(update_fields=["checkpoint_pk", "cards", "cleared", "rebated", "total"])
        done_chunks += 1
    return run


def _rebate_chunk_orm(*, checkpoint: int, size: int, policy, reference: str, now):
    """One chunk of cards (pk order, locked): clear entries + rebate entries in bulk, balances in two UPDATEs."""
    rows = list(Card.objects.select_for_update().filter(pk__gt=checkpoint).order_by("pk")
                .values_list("pk", "dept_points", "stored_value")[:size])
    if not rows:
        return None
    entries: list[PointsEntry] = []
    credits: dict[int, Decimal] = {}
    cleared = rebated = 0
    total = Decimal("0.00")
    for pk, points, stored in rows:
        if points <= 0:
            continue
        rebate = rules.rebate_for_points(points=points, brackets=policy.rebate_brackets)
        entries.append(PointsEntry(card_id=pk, wallet=Wallet.DEPT, kind=EntryKind.CLEAR, points=-points,
                                   balance_after=0, reference=reference, at=now, meta={"rule": "R-RBT-1"}))
        if rebate > 0:
            entries.append(PointsEntry(card_id=pk, wallet=Wallet.STORED_VALUE, kind=EntryKind.REBATE, amount=rebate,
                                       balance_after=stored + rebate, reference=reference, at=now,
                                       meta={"rule": "R-RBT-1", "points": points}))
            credits[pk] = rebate
            rebated += 1
            total += rebate
        else:
            cleared += 1
    PointsEntry.objects.bulk_create(entries, batch_size=2000)
    lo, hi = rows[0][0], rows[-1][0]
    Card.objects.filter(pk__gte=lo, pk__lte=hi, dept_points__gt=0).update(dept_points=0)
    items = list(credits.items())
    for i in range(0, len(items), 500):
        part = items[i:i + 500]
        Card.objects.filter(pk__in=[pk for pk, _a in part]).update(
            stored_value=F("stored_value") + Case(*[When(pk=pk, then=Value(a)) for pk, a in part],
                                                  default=Value(Decimal("0.00"))))
    return hi, len(rows), cleared, rebated, total


def _rebate_chunk_sql(*, checkpoint: int, size: int, policy, reference: str, now):
    """The same chunk as `_rebate_chunk_orm`, set-based on PostgreSQL and in ONE statement: data-modifying
    CTEs lock the chunk's cards (pk order), compute each rebate once, insert the clear and rebate ledger
    lines and update the balances, and answer the chunk's totals (five statements before, each recomputing
    the brackets). The bracket (R-RBT-1 policy rows) is a CASE; round() on numeric is half-up for these
    positive amounts, as `rules.rebate_for_points`."""
    brackets = sorted(policy.rebate_brackets, reverse=True)
    case = "CASE " + " ".join("WHEN dept_points >= %s THEN %s::numeric" for _b in brackets) + " ELSE 0 END"
    case_params = [v for min_points, pct in brackets for v in (min_points, pct)]
    cols = "card_id, wallet, kind, points, amount, balance_after, reference, reason, meta, at"
    # Only the constant fragments above are formatted into the SQL; every value is a parameter.
    sql = (
        "WITH locked AS (SELECT id, dept_points, stored_value FROM members_card "  # noqa: S608
        "WHERE id > %s ORDER BY id LIMIT %s FOR UPDATE), "
        f"calc AS (SELECT id, dept_points, stored_value, round(dept_points * ({case}) / 100, 2) AS r "
        "FROM locked WHERE dept_points > 0), "
        f"cleared AS (INSERT INTO members_pointsentry ({cols}) "
        "SELECT id, 'dept', 'clear', -dept_points, 0, 0, %s, '', '{\"rule\": \"R-RBT-1\"}'::jsonb, %s FROM calc ORDER BY id), "
        f"rebated AS (INSERT INTO members_pointsentry ({cols}) "
        "SELECT id, 'stored_value', 'rebate', 0, r, stored_value + r, %s, '', "
        "jsonb_build_object('rule', 'R-RBT-1', 'points', dept_points), %s FROM calc WHERE r > 0 ORDER BY id), "
        "moved AS (UPDATE members_card c SET stored_value = c.stored_value + calc.r, dept_points = 0 "
        "FROM calc WHERE c.id = calc.id) "
        "SELECT (SELECT max(id) FROM locked), (SELECT count(*) FROM locked), "
        "count(*) FILTER (WHERE r = 0), count(*) FILTER (WHERE r > 0), coalesce(sum(r), 0) FROM calc"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [checkpoint, size, *case_params, reference, now, reference, now])
        hi, count, cleared, rebated, total = cur.fetchone()
    if not count:
        return None
    return hi, count, cleared, rebated, Decimal(total)
