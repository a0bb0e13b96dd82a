"""The desk's project package. Celery's app is loaded where tasks are: each `<app>/tasks.py` binds its tasks to
`servicedesk.celery.app`, and `celery -A servicedesk` finds it, so a process that never sends a task (a
management command, an export) does not import Celery (issue 16: ~90 ms and ~7 MB at every start)."""


def __getattr__(name):
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
