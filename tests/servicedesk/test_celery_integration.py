"""A scheduled task really runs: beat sends it through Redis and a separate worker process executes it.

Needs PostgreSQL (the worker process must see the test database) and Redis: `make test-pg`."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from servicedesk.models import SchedulerHeartbeat


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(args, env, log):
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "servicedesk", *args], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=os.getcwd())


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_beat_schedules_the_heartbeat_and_a_real_worker_runs_it_on_redis(settings, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:8]}",  # parallel runs never take each other's tasks
        "DESK_HEARTBEAT_SECONDS": "1",
        "VAR_DIR": str(tmp_path),
        "HTTPS": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    env.pop("TEST_DB_NAME", None)
    log_path = tmp_path / "celery.log"
    with open(log_path, "w") as log:
        worker = _start(["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle"], env, log)
        beat = _start(["beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule")], env, log)
        try:
            deadline = time.monotonic() + 90
            beats = 0
            while time.monotonic() < deadline:
                row = SchedulerHeartbeat.objects.filter(name="beat").first()
                beats = row.beats if row else 0
                if beats >= 2:
                    break
                assert worker.poll() is None and beat.poll() is None, log_path.read_text()
                time.sleep(0.5)
        finally:
            for process in (beat, worker):
                process.terminate()
            for process in (beat, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    output = log_path.read_text()
    assert beats >= 2, output
    assert "redis://" in output and "servicedesk.scheduler_heartbeat" in output
    assert SchedulerHeartbeat.objects.get(name="beat").last_beat_at is not None
