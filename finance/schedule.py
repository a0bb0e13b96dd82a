"""Periodic jobs of finance/ (merged into beat's schedule by servicedesk/celery.py). Store-local times."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Keep the month page's aggregates current (R-FIN-1: no scan of a month per page view).
    "finance-ledger-totals": {"task": "finance.ledger_totals_settle", "schedule": crontab(minute="*/5")},
    # Export files past the policy's keeping days (a closed month's files stay).
    "finance-exports-purge": {"task": "finance.exports_purge", "schedule": crontab(minute=40, hour=3)},
}
