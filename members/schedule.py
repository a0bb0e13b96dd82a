"""Periodic jobs of members/ (merged into beat's schedule by servicedesk/celery.py). Store-local times."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # R-RBT-1: after close of business on 31 December.
    "members-annual-rebate": {"task": "members.annual_rebate_run", "schedule": crontab(minute=30, hour=22, day_of_month=31,
                                                                                       month_of_year=12)},
    # R-VIP-9: greeting SMS in the morning; the birthday-card list daily.
    "members-birthday-greetings": {"task": "members.birthday_greetings_send", "schedule": crontab(minute=0, hour=9)},
    "members-birthday-mailing": {"task": "members.birthday_mailing_list_build", "schedule": crontab(minute=0, hour=7)},
    # R-VIP-4 sweep (the feed also checks on each receipt).
    "members-upgrade-checks": {"task": "members.upgrade_checks_run", "schedule": crontab(minute=15, hour=23)},
    # R-CARD-3.
    "members-card-stock": {"task": "members.card_stock_check", "schedule": crontab(minute=0, hour=8)},
}
