"""Periodic jobs of the complaints desk (merged into beat's schedule by servicedesk/celery.py)."""

BEAT_SCHEDULE = {
    # R-CMP-2: overdue routing / feedback is escalated within five minutes of its deadline.
    "complaints-escalate-overdue": {"task": "complaints.complaint_escalate_overdue", "schedule": 300.0},
}
