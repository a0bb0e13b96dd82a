"""Periodic jobs of the broadcast booth (merged into beat's schedule by servicedesk/celery.py)."""

BEAT_SCHEDULE = {
    # R-BC-4: an insert not aired within the policy's time leaves the queue as expired within a minute.
    "broadcast-expire-inserts": {"task": "broadcast.urgent_inserts_expire", "schedule": 60.0},
}
