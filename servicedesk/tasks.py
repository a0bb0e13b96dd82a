"""Desk-wide Celery tasks."""

import socket

from django.db.models import F
from django.utils import timezone

from .celery import app
from .models import SchedulerHeartbeat


@app.task(name="servicedesk.scheduler_heartbeat", ignore_result=True)
def scheduler_heartbeat():
    """Sent by beat on a schedule and run by a worker: the dashboard shows when it last ran, so a
    stopped worker or beat is noticed at the desk, not at year-end rebate time."""
    beat, _created = SchedulerHeartbeat.objects.get_or_create(name="beat")
    SchedulerHeartbeat.objects.filter(pk=beat.pk).update(
        beats=F("beats") + 1, last_beat_at=timezone.now(), worker=socket.gethostname()
    )
