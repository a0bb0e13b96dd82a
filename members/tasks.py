"""Celery tasks of members/: each loads what it needs and calls a service; all are idempotent."""

from django.utils import timezone

from servicedesk.celery import app

from . import services


@app.task(name="members.annual_rebate_run")
def annual_rebate_run_task(year: int | None = None) -> str:
    """R-RBT-1; beat runs it after close on 31 December (a run on another day settles nothing twice)."""
    today = timezone.localdate()
    if year is None and (today.month, today.day) != (12, 31):
        return "skipped: not 31 December"
    return services.annual_rebate_run(year=year or today.year).summary()


@app.task(name="members.birthday_greetings_send")
def birthday_greetings_send_task() -> int:
    return services.birthday_greetings_send(day=timezone.localdate())


@app.task(name="members.birthday_mailing_list_build")
def birthday_mailing_list_build_task() -> int:
    return services.birthday_mailing_list_build(today=timezone.localdate())


@app.task(name="members.upgrade_checks_run")
def upgrade_checks_run_task() -> int:
    return services.upgrade_checks_run(year=timezone.localdate().year)


@app.task(name="members.card_stock_check")
def card_stock_check_task() -> bool:
    return services.card_stock_check(today=timezone.localdate())
