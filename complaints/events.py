"""Writers for ComplaintEvent, called inside the service's transaction (one writer per event kind)."""

from .choices import ComplaintEventType
from .models import Complaint, ComplaintEvent


def complaint_event(*, complaint: Complaint, type: str, user=None, from_status: str = "", note: str = "",
                    **parameters) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, type=type, user=user, from_status=from_status, to_status=complaint.status,
        note=note or "", parameters={k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in parameters.items()},
    )


def complaint_escalated_events(*, rows: list[tuple[Complaint, int, int]]) -> None:
    """Escalations are written in bulk: (complaint, from level, to level)."""
    ComplaintEvent.objects.bulk_create([
        ComplaintEvent(complaint_id=c.pk, type=ComplaintEventType.ESCALATED, from_status=c.status, to_status=c.status,
                       parameters={"from_level": old, "to_level": new, "due_at": c.due_at.isoformat() if c.due_at else None})
        for c, old, new in rows
    ])
