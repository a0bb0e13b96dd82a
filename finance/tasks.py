"""Celery tasks of finance/: each loads by id and calls a service; all are idempotent."""

from servicedesk.celery import app

from . import services


@app.task(name="finance.export_job_run")
def export_job_run_task(job_id: int) -> str:
    return services.export_job_run(job_id=job_id).status


@app.task(name="finance.month_files_build")
def month_files_build_task(close_id: int) -> int:
    return len(services.month_files_build(close_id=close_id))


@app.task(name="finance.ledger_totals_settle")
def ledger_totals_settle_task() -> int:
    return services.ledger_totals_settle_all()


@app.task(name="finance.exports_purge")
def exports_purge_task() -> int:
    return services.exports_purge()
