"""Periodic jobs of the invoices desk (merged into beat's schedule by servicedesk/celery.py)."""

BEAT_SCHEDULE = {
    # R-INV-8: hourly; on the policy's report day (default the 3rd) the first run prepares last month's report.
    "invoices-report-due": {"task": "invoices.invoice_report_due", "schedule": 3600.0},
    # R-INV-7: a public notice past its deadline is escalated within 15 minutes.
    "invoices-escalate-loss-notices": {"task": "invoices.invoice_loss_escalate_overdue", "schedule": 900.0},
}
