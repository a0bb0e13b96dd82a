"""Celery tasks of returns: load by id, call a service."""

from servicedesk.celery import app

from .models import ReturnRequest


@app.task(name="returns.return_approvers_notify", ignore_result=True)
def return_approvers_notify(return_request_id: int) -> int:
    from .services import return_approvers_notify as notify

    rr = ReturnRequest.objects.filter(pk=return_request_id).first()
    return notify(return_request=rr) if rr else 0
