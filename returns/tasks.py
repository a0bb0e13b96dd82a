"""Celery tasks of returns: load by id, call a service."""

from celery import shared_task

from .models import ReturnRequest


@shared_task(name="returns.return_approvers_notify", ignore_result=True)
def return_approvers_notify(return_request_id: int) -> int:
    from .services import return_approvers_notify as notify

    rr = ReturnRequest.objects.filter(pk=return_request_id).first()
    return notify(return_request=rr) if rr else 0
