"""Periodic jobs of gifts/ (merged into beat's schedule). Store-local times."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # R-GIFT-7: unexplained stocktake variances are a notification (and a dashboard tile).
    "gifts-variance-reminders": {"task": "gifts.variance_reminders_send", "schedule": crontab(minute=30, hour=9)},
}
