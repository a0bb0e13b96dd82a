"""Periodic jobs of the desk app (merged into beat's schedule by servicedesk/celery.py)."""

from django.conf import settings

BEAT_SCHEDULE = {
    "scheduler-heartbeat": {"task": "servicedesk.scheduler_heartbeat", "schedule": settings.DESK_HEARTBEAT_SECONDS},
}
