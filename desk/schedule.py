"""Periodic jobs of the desk services (merged into beat's schedule by servicedesk/celery.py). Store-local times."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # R-DESK-3: deposits of umbrellas past the forfeit day are kept, after close.
    "desk-umbrellas-forfeit": {"task": "desk.umbrellas_forfeit_due", "schedule": crontab(minute=45, hour=22)},
    # R-DESK-4: the weekly report on Monday morning, the monthly one on the 1st, before the desk opens.
    "desk-report-weekly": {"task": "desk.report_prepare_weekly", "schedule": crontab(minute=30, hour=7, day_of_week=1)},
    "desk-report-monthly": {"task": "desk.report_prepare_monthly", "schedule": crontab(minute=40, hour=7, day_of_month=1)},
}
