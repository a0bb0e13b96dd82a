"""Celery tasks of the desk services: thin wrappers over services (idempotent)."""

from servicedesk.celery import app

from . import services


@app.task(name="desk.umbrellas_forfeit_due")
def umbrellas_forfeit_due() -> int:
    """R-DESK-3: keep the deposits of umbrellas past the policy's forfeit day."""
    return services.umbrellas_forfeit_due()


@app.task(name="desk.report_prepare_weekly")
def report_prepare_weekly() -> str:
    """R-DESK-4: last week's report, and a notice to the desk supervisors."""
    return services.reports_prepare_due(kind="weekly").period


@app.task(name="desk.report_prepare_monthly")
def report_prepare_monthly() -> str:
    """R-DESK-4: last month's report, and a notice to the desk supervisors."""
    return services.reports_prepare_due(kind="monthly").period
