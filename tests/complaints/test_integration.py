"""R-CMP-2 acceptance: a ticket not routed for 24 hours is escalated by the escalation task running in a
real Celery worker (Redis broker), and the desk supervisor is notified."""

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from complaints import services
from complaints.models import Complaint
from servicedesk.models import Notification

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_r_cmp_2_escalation_runs_in_a_real_celery_worker(clerk, supervisor):
    from complaints.tasks import complaint_escalate_overdue
    from servicedesk.celery import app as celery_app

    # given: a ticket received 25 hours ago, not routed
    c = services.complaint_receive(user=clerk, channel="phone", customer_name="王芳", phone="13800138000", type="service",
                                   cause="服务态度差")
    Complaint.objects.filter(pk=c.pk).update(received_at=c.received_at - timedelta(hours=25),
                                             route_by=c.route_by - timedelta(hours=25))
    # a queue of our own, so no other worker on the shared Redis takes the task
    queue = f"test-complaints-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
           "REDIS_URL": settings.REDIS_URL, "HTTPS": "0", "CELERY_TASK_ALWAYS_EAGER": "0"}
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "servicedesk", "worker", "--pool=solo", "-Q", queue,
         "-n", f"{queue}@%h", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    eager, routes = celery_app.conf.task_always_eager, celery_app.conf.task_routes
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_routes = {"complaints.complaint_escalate_overdue": {"queue": queue}}
    try:
        # when: the escalation task goes through Redis to the worker
        result = complaint_escalate_overdue.delay()
        escalated = result.get(timeout=120)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_routes = eager, routes
        worker.terminate()
        try:
            output = worker.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0].decode(errors="replace")
        sys.stdout.write(output[-2000:])
    # then
    assert escalated == 1
    c.refresh_from_db()
    assert c.escalation_level == 1
    assert Notification.objects.filter(recipient=supervisor, title__contains=c.number).exists()
