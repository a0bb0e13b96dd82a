"""Writers for FinanceEvent: one per event type, inside the service's transaction."""

from .choices import FinanceEventType
from .models import FinanceEvent, MonthClose


def month_closed_event(*, close: MonthClose, user) -> FinanceEvent:
    return FinanceEvent.objects.create(month=close.month, type=FinanceEventType.CLOSED, close=close, user=user,
                                       created_at=close.closed_at, parameters={"totals": close.totals})


def month_reopened_event(*, close: MonthClose, user, reason: str) -> FinanceEvent:
    return FinanceEvent.objects.create(month=close.month, type=FinanceEventType.REOPENED, close=close, user=user,
                                       created_at=close.reopened_at, parameters={"reason": reason})


def month_files_stored_event(*, close: MonthClose, files: dict) -> FinanceEvent:
    return FinanceEvent.objects.create(month=close.month, type=FinanceEventType.FILES_STORED, close=close,
                                       parameters={"files": files})
