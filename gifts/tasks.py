"""Celery tasks of gifts/: each calls a service; idempotent (a reminder is sent once a day per variance)."""

from servicedesk.celery import app

from . import services


@app.task(name="gifts.variance_reminders_send")
def variance_reminders_send_task() -> int:
    """R-GIFT-7: variances still unexplained are notified again to those who may explain them."""
    return services.variance_reminders_send()
