"""Celery tasks of the invoices desk: thin wrappers over services (idempotent, safe to run twice)."""

from celery import shared_task

from . import services


@shared_task(name="invoices.invoice_report_due", ignore_result=False)
def invoice_report_due() -> str | None:
    """R-INV-8: prepares last month's report on the policy's day and notifies finance."""
    return services.invoice_report_due()


@shared_task(name="invoices.invoice_loss_escalate_overdue", ignore_result=False)
def invoice_loss_escalate_overdue() -> int:
    """R-INV-7: escalates losses whose public notice is past due."""
    return services.invoice_loss_escalate_overdue()
