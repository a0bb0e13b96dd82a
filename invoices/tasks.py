"""Celery tasks of the invoices desk: thin wrappers over services (idempotent, safe to run twice)."""

from servicedesk.celery import app

from . import services


@app.task(name="invoices.invoice_report_due", ignore_result=False)
def invoice_report_due() -> str | None:
    """R-INV-8: prepares last month's report on the policy's day and notifies finance."""
    return services.invoice_report_due()


@app.task(name="invoices.invoice_loss_escalate_overdue", ignore_result=False)
def invoice_loss_escalate_overdue() -> int:
    """R-INV-7: escalates losses whose public notice is past due."""
    return services.invoice_loss_escalate_overdue()
