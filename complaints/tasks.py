"""Celery tasks of the complaints desk: thin wrappers over services."""

from servicedesk.celery import app

from . import services


@app.task(name="complaints.complaint_escalate_overdue", ignore_result=False)
def complaint_escalate_overdue() -> int:
    """R-CMP-2 escalation, sent by beat every few minutes (complaints/schedule.py); idempotent."""
    return services.complaint_escalate_overdue()
