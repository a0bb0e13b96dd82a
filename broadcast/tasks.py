"""Celery tasks of the broadcast booth: thin wrappers over services."""

from servicedesk.celery import app

from . import services


@app.task(name="broadcast.urgent_inserts_expire", ignore_result=False)
def urgent_inserts_expire() -> int:
    """R-BC-4: queued inserts past their expiry become `expired`; sent by beat every minute; idempotent."""
    return services.urgent_inserts_expire()
