"""The zero-setup tier still runs scheduled jobs: with no REDIS_URL, beat and a worker talk through
kombu's filesystem transport, against a SQLite file, exactly as `make run` starts them."""

import os
import sqlite3
import subprocess
import sys
import time


def test_beat_and_worker_run_scheduled_jobs_without_a_broker_server(tmp_path):
    db_file = tmp_path / "desk.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "servicedesk.settings", "DATABASE_URL": f"sqlite:///{db_file}",
           "VAR_DIR": str(tmp_path / "var"), "DESK_HEARTBEAT_SECONDS": "1", "HTTPS": "0"}
    for name in ("REDIS_URL", "TEST_DB_NAME", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, check=True, timeout=600)
    log_path = tmp_path / "celery.log"
    celery = [sys.executable, "-m", "celery", "-A", "servicedesk"]
    with open(log_path, "w") as log:
        worker = subprocess.Popen([*celery, "worker", "--pool=solo", "--loglevel=INFO"], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        beat = subprocess.Popen([*celery, "beat", "--loglevel=INFO"], env=env, stdout=log, stderr=subprocess.STDOUT)
        beats = 0
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and beats < 2:
                time.sleep(0.5)
                with sqlite3.connect(db_file, timeout=10) as conn:
                    row = conn.execute("SELECT beats FROM servicedesk_schedulerheartbeat WHERE name='beat'").fetchone()
                beats = row[0] if row else 0
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
    assert "filesystem://" in output
