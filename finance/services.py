"""State changes of finance (R-FIN-1, R-FIN-2): running ledger aggregates, the month close and its audited
reopen, export jobs (background, with progress) and the closed month's frozen files."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict, NotAllowed, RuleViolation
from servicedesk.extensions import MONTH_TOTAL_KEYS, ledger_mismatches, month_totals
from servicedesk.periods import month_key, month_start, period_locked, period_set_closed

from . import aggregates, events, exports, pdf, rules, selectors
from .choices import ExportFormat, ExportStatus, FinanceEventType
from .models import ExportJob, LedgerCursor, LedgerTotal, MonthClose

# Entries are settled into the monthly totals once every transaction that could hold a smaller id has
# ended: 10 minutes is far longer than any transaction of the desk (a technical margin, not a business number).
SETTLE_AFTER = dt.timedelta(minutes=10)
MONEY_TOTALS = {"stored_value_in", "stored_value_out", "invoices_amount"}
SUMMARY = "summary"  # the PDF summary's "ledger" name on an ExportJob


def totals_json(totals: dict) -> dict:
    """The contract's totals: points and pieces as integers, money as strings with two decimals."""
    complete = {k: Decimal(str(totals.get(k, 0))) for k in MONTH_TOTAL_KEYS}  # stored totals are JSON strings
    return {k: (f"{complete[k]:.2f}" if k in MONEY_TOTALS else int(complete[k])) for k in MONTH_TOTAL_KEYS}


# ---------------------------------------------------------------- running aggregates

def ledger_totals_settle(*, ledger, now: dt.datetime | None = None, settle_after: dt.timedelta = SETTLE_AFTER) -> int:
    """Fold the ledger's entries up to the pending id into LedgerTotal once they are old enough, and mark the
    newest id as the next pending one. Idempotent; safe from several workers (the cursor row is locked)."""
    if aggregates.kept_current(ledger.name):  # kept by its writers' transactions: fold, no waiting
        return aggregates.fold(ledger.name)
    now = now or timezone.now()
    with transaction.atomic():
        LedgerCursor.objects.bulk_create([LedgerCursor(ledger=ledger.name)], ignore_conflicts=True)
        cursor = LedgerCursor.objects.select_for_update().get(ledger=ledger.name)
        folded = 0
        if cursor.pending_id is not None and cursor.pending_since <= now - settle_after:
            for group in ledger.movements(after_id=cursor.settled_id, upto_id=cursor.pending_id):
                updated = LedgerTotal.objects.filter(ledger=ledger.name, month=group.month, kind=group.kind).update(
                    rows=F("rows") + group.rows, inflow=F("inflow") + group.inflow, outflow=F("outflow") + group.outflow)
                if not updated:
                    LedgerTotal.objects.create(ledger=ledger.name, month=group.month, kind=group.kind, rows=group.rows,
                                               inflow=group.inflow, outflow=group.outflow)
                folded += group.rows
            cursor.settled_id, cursor.pending_id, cursor.pending_since = cursor.pending_id, None, None
        last = ledger.last_id()
        if cursor.pending_id is None and last > cursor.settled_id:
            cursor.pending_id, cursor.pending_since = last, now
        cursor.save()
    return folded


def ledger_totals_settle_all(*, now: dt.datetime | None = None, settle_after: dt.timedelta = SETTLE_AFTER) -> int:
    return sum(ledger_totals_settle(ledger=ledger, now=now, settle_after=settle_after) for ledger in selectors.ledgers())


# ---------------------------------------------------------------- month close (R-FIN-2)

def month_close(*, month: dt.date, user, now: dt.datetime | None = None) -> MonthClose:
    """Close a past month whose ledgers balance: the month's guard row is closed (every dated writer is
    refused from now on), the closing totals and each ledger's summary are stored, and the month's files
    are written once (on commit) so every later download serves the same bytes."""
    if not user.has_perm("finance.close_period"):
        raise NotAllowed(_("Only finance closes a month."), code="R-FIN-2")
    now = now or timezone.now()
    month = month_start(month)
    if rules.month_close_refusal(month=month, current_month=month_start(now)):
        raise RuleViolation(_("Only a past month can be closed: %(m)s is the current or a future month.")
                            % {"m": month_key(month)}, code="R-FIN-2", fields={"month": [month_key(month)]})
    key = month_key(month)
    with transaction.atomic():
        period = period_locked(month=month)  # back-dated writers of this month wait for the close, or it for them
        if period.closed or MonthClose.objects.filter(month=month, reopened_at__isnull=True).exists():
            raise Conflict(_("%(m)s is already closed.") % {"m": key}, code="period_closed", fields={"month": [key]})
        summaries = []
        for ledger in selectors.ledgers():
            merged = {k: v for k, v in selectors.ledger_movements(ledger=ledger).items() if k[0] != key}
            # The month itself is counted from its entries, once, at the close (the page uses the aggregates).
            merged.update(rules.movements_merge(ledger.movements(after_id=0, upto_id=ledger.last_id(), month=key)))
            summaries.append(selectors.ledger_summary(ledger=ledger, month=month, merged=merged))
        unbalanced = [s.name for s in summaries if not s.balanced]
        mismatched = ledger_mismatches()
        if unbalanced or mismatched:
            raise Conflict(_("The ledgers do not balance yet: %(l)s.") % {"l": ", ".join([*unbalanced, *mismatched])},
                           code="R-FIN-2", fields={"ledgers": sorted({*unbalanced, *mismatched})})
        period_set_closed(month=month, closed=True, user=user, now=now)
        close = MonthClose.objects.create(month=month, closed_at=now, closed_by=user,
                                          totals=totals_json(month_totals([s.totals for s in summaries])),
                                          summary={s.name: s.as_json() for s in summaries})
        events.month_closed_event(close=close, user=user)
        from .tasks import month_files_build_task

        transaction.on_commit(lambda: month_files_build_task.delay(close.pk))
    return close


def month_reopen(*, month: dt.date, user, reason: str, now: dt.datetime | None = None) -> MonthClose:
    """An audited reopen by an administrator: the month takes entries again; its frozen files stay on record
    (marked with the reopened close) and the next close writes new ones."""
    if not user.has_perm("finance.reopen_period"):
        raise NotAllowed(_("Only an administrator reopens a closed month."), code="R-FIN-2")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Write why the month is reopened."), code="R-FIN-2", fields={"reason": ["required"]})
    now = now or timezone.now()
    month = month_start(month)
    with transaction.atomic():
        period_locked(month=month)
        close = MonthClose.objects.select_for_update().filter(month=month, reopened_at__isnull=True).first()
        if close is None:
            raise Conflict(_("%(m)s is not closed.") % {"m": month_key(month)}, code="period_open",
                           fields={"month": [month_key(month)]})
        close.reopened_at, close.reopened_by, close.reopen_reason = now, user, reason
        close._change_reason = reason
        close.save(update_fields=["reopened_at", "reopened_by", "reopen_reason", "updated_at"])
        period_set_closed(month=month, closed=False, user=user, now=now)
        events.month_reopened_event(close=close, user=user, reason=reason)
    return close


# ---------------------------------------------------------------- exports (R-FIN-1)

def _check_export(*, ledger_name: str, fmt: str) -> None:
    if ledger_name != SUMMARY and selectors.ledger_get(ledger_name) is None:
        raise RuleViolation(_("Unknown ledger."), code="invalid", fields={"ledger": [ledger_name]})
    if fmt not in ExportFormat.values or (ledger_name == SUMMARY) != (fmt == ExportFormat.PDF):
        raise RuleViolation(_("Choose CSV or XLSX for a ledger, PDF for the summary."), code="invalid",
                            fields={"format": [fmt]})


def export_job_start(*, ledger_name: str, month: dt.date, fmt: str, user, now: dt.datetime | None = None) -> ExportJob:
    """Queue the export of a month's ledger; a closed month answers its frozen file instead."""
    if not user.has_perm("finance.add_exportjob"):
        raise NotAllowed(_("Your role may not export the ledgers."), code="R-FIN-1")
    _check_export(ledger_name=ledger_name, fmt=fmt)
    now = now or timezone.now()
    month = month_start(month)
    close = selectors.month_close_active(month=month)
    if close is not None:
        return frozen_file(close=close, ledger_name=ledger_name, fmt=fmt)
    policy = selectors.policy_at(at=now)
    rows = 0 if ledger_name == SUMMARY else selectors.ledger_summary(ledger=selectors.ledger_get(ledger_name),
                                                                    month=month).rows
    with transaction.atomic():
        job = ExportJob.objects.create(ledger=ledger_name, month=month, format=fmt, rows_total=rows, created_by=user,
                                       created_at=now, expires_at=now + dt.timedelta(days=policy.export_keep_days),
                                       language=translation.get_language() or settings.LANGUAGE_CODE)
        from .tasks import export_job_run_task

        transaction.on_commit(lambda: export_job_run_task.delay(job.pk))
    return job


def summary_pdf_bytes(*, month: dt.date) -> bytes:
    from servicedesk.money import money_str

    close = selectors.month_close_active(month=month)
    summaries = selectors.month_summaries(month=month, close=close)
    totals = close.totals if close else totals_json(month_totals([s.totals for s in summaries]))

    def amount(summary, value):
        return money_str(value) if summary.unit == "money" else f"{int(value)}"

    ledgers = []
    for s in summaries:
        ledger = selectors.ledger_get(s.name)
        lines = [(_("Rows"), str(s.rows)), (_("Opening balance"), amount(s, s.opening))]
        for m in s.movements:
            label = ledger.kind_label(m.kind) if ledger else m.kind
            lines.append((f"{label} ({m.rows})", f"+{amount(s, m.inflow)} / -{amount(s, m.outflow)}"))
        lines += [(_("Closing balance"), amount(s, s.closing)),
                  (_("Balances equal the ledger"), _("yes") if s.balanced else _("NO"))]
        ledgers.append(pdf.LedgerLines(s.label, lines))
    status = (_("Closed %(at)s by %(by)s") % {"at": f"{timezone.localtime(close.closed_at):%Y-%m-%d %H:%M}",
                                              "by": close.closed_by.username} if close else _("Open"))
    facts = pdf.SummaryFacts(title=_("Month summary %(m)s") % {"m": month_key(month)}, status=status, ledgers=ledgers,
                             totals_title=_("Closing totals"), totals=[(k, str(v)) for k, v in totals.items()])
    return pdf.month_summary_pdf(facts)


def _write(job: ExportJob, tmp, progress) -> str:
    key = month_key(job.month)
    if job.format == ExportFormat.PDF:
        tmp.write(summary_pdf_bytes(month=job.month))
        return exports.sha256_of(tmp)
    ledger = selectors.ledger_get(job.ledger)
    every = selectors.policy_at(at=timezone.now()).progress_every_rows
    if job.format == ExportFormat.CSV:
        exports.write_csv(tmp, ledger=ledger, month=key, progress=progress, every=every)
    else:
        exports.write_xlsx(tmp, ledger=ledger, month=key, progress=progress, every=every)
    return exports.sha256_of(tmp)


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file under MEDIA_ROOT/finance/ with its sha256, saving progress as it goes. Idempotent:
    a finished job is left alone; of two runs of one job the first to finish keeps its file."""
    job = ExportJob.objects.select_related("close").get(pk=job_id)
    if job.status == ExportStatus.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, rows_done=0, error="")

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        with translation.override(job.language), tempfile.TemporaryFile() as tmp:
            sha = _write(job, tmp, progress)
            tmp.seek(0, 2)
            size = tmp.tell()
            tmp.seek(0)
            name = default_storage.save(f"finance/{month_key(job.month)}/{job.ledger}-{month_key(job.month)}-"
                                        f"{job.pk}.{job.format}", File(tmp))
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=repr(exc)[:2000])
        raise
    done = ExportJob.objects.filter(pk=job.pk).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.DONE, file=name, size=size, sha256=sha, finished_at=timezone.now())
    if not done:  # another run finished first: its file is the job's
        default_storage.delete(name)
    job.refresh_from_db()
    if job.format != ExportFormat.PDF and job.rows_total != job.rows_done:
        ExportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_done)
        job.rows_total = job.rows_done
    return job


def frozen_file(*, close: MonthClose, ledger_name: str, fmt: str) -> ExportJob:
    """The closed month's file of a ledger and format: written once (in the store's language), then the same
    bytes on every download."""
    _check_export(ledger_name=ledger_name, fmt=fmt)
    job = ExportJob.objects.filter(close=close, ledger=ledger_name, format=fmt).first()
    if job is not None and job.status == ExportStatus.DONE:
        return job
    with transaction.atomic():
        MonthClose.objects.select_for_update().filter(pk=close.pk).values_list("pk", flat=True).get()
        job = ExportJob.objects.filter(close=close, ledger=ledger_name, format=fmt).first()
        if job is None:
            rows = 0 if ledger_name == SUMMARY else close.summary.get(ledger_name, {}).get("rows", 0)
            job = ExportJob.objects.create(ledger=ledger_name, month=close.month, format=fmt, close=close,
                                           rows_total=rows, created_by=close.closed_by, created_at=timezone.now(),
                                           language=settings.LANGUAGE_CODE)
    return export_job_run(job_id=job.pk)


def month_files_build(*, close_id: int) -> dict:
    """Every file of a closed month (each ledger as CSV and XLSX, the PDF summary), with their checksums."""
    close = MonthClose.objects.get(pk=close_id)
    if not close.is_active:
        return {}
    files = {}
    for ledger in selectors.ledgers():
        for fmt in (ExportFormat.CSV, ExportFormat.XLSX):
            files[f"{ledger.name}.{fmt}"] = frozen_file(close=close, ledger_name=ledger.name, fmt=fmt).sha256
    files[f"{SUMMARY}.pdf"] = frozen_file(close=close, ledger_name=SUMMARY, fmt=ExportFormat.PDF).sha256
    if not close.events.filter(type=FinanceEventType.FILES_STORED).exists():  # the task may run twice
        events.month_files_stored_event(close=close, files=files)
    return files


def exports_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past the policy's keeping days (a closed month's files are kept)."""
    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(close__isnull=True, expires_at__lt=now).exclude(file="").iterator():
        default_storage.delete(job.file)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged
