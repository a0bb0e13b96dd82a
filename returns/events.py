"""Writers for ReturnEvent, called inside the service's transaction."""

from .choices import ReturnEventType
from .models import ReturnEvent, ReturnRequest


def return_created_event(*, return_request: ReturnRequest, user) -> ReturnEvent:
    return ReturnEvent.objects.create(
        return_request=return_request, type=ReturnEventType.CREATED, user=user,
        parameters={"rules": return_request.rules, "refund_amount": str(return_request.refund_amount),
                    "approval_level": return_request.approval_level},
    )


def return_signed_event(*, return_request: ReturnRequest, step: str, user) -> ReturnEvent:
    return ReturnEvent.objects.create(return_request=return_request, type=ReturnEventType(step), user=user,
                                      parameters={"status": return_request.status})


def return_rejected_event(*, return_request: ReturnRequest, user, reason: str) -> ReturnEvent:
    return ReturnEvent.objects.create(return_request=return_request, type=ReturnEventType.REJECTED, user=user,
                                      parameters={"reason": reason})


def return_clawed_back_event(*, return_request: ReturnRequest, user, items) -> ReturnEvent:
    return ReturnEvent.objects.create(
        return_request=return_request, type=ReturnEventType.CLAWED_BACK, user=user,
        parameters={"items": [{"source": i.source, "points": i.points, "reversed_points": i.reversed_points,
                               "shortfall_points": i.shortfall_points, "cash_amount": str(i.cash_amount)}
                              for i in items]},
    )
