"""The Celery app. Broker and results come from settings (Redis or the no-server filesystem broker).

Periodic jobs are declared next to their app in `<app>/schedule.py` as `BEAT_SCHEDULE` and merged
here, so each app owns its jobs and beat sees them all.
"""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _collect_beat_schedule() -> dict:
    from servicedesk.plugins import app_modules

    schedule: dict = {}
    for _label, module in app_modules("schedule"):
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


@app.on_after_configure.connect
def _setup(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = _collect_beat_schedule()
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        Path(settings.CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@worker_process_init.connect
def _settle(**kwargs):
    """Each pool process, once forked: what Django loaded out of the garbage collector's walks; no pages are
    loaded for a worker that serves none (servicedesk/runtime.py)."""
    from servicedesk.runtime import settle_process

    settle_process(load_site=False)
